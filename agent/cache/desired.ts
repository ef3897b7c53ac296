import { join } from 'node:path';
import { desiredStateSchema, type DesiredState } from '../../shared/messages.js';
import { createRevisionedFile, type RevisionedFile } from './revisioned-file.js';

export type DesiredCache = RevisionedFile<DesiredState>;

/** The node's desired pod set, cached on disk so pods come back after a reboot without the server. */
export function createDesiredCache(o: { dataDir: string; log?: (msg: string) => void }): DesiredCache {
  return createRevisionedFile({
    path: join(o.dataDir, 'desired.json'),
    schema: desiredStateSchema,
    label: 'desired-state cache',
    what: 'desired state',
    key: (s) => `${s.node}:${s.revision}`,
    ...(o.log ? { log: o.log } : {}),
  });
}
