import { readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { desiredStateSchema, type DesiredState } from '../../shared/messages.js';
import { issuesText } from '../../shared/validate.js';
import { writeFileAtomic } from '../../shared/atomic-file.js';

export interface DesiredCache {
  /** The last good desired state on disk (desired.json, else desired.json.bak), or null. */
  load(): Promise<DesiredState | null>;
  /** Writes the state when its revision differs from the one on disk; true when it wrote. */
  save(state: DesiredState): Promise<boolean>;
  readonly path: string;
}

/** The node's desired pod set, cached on disk so pods come back after a reboot without the server. */
export function createDesiredCache(o: { dataDir: string; log?: (msg: string) => void }): DesiredCache {
  const path = join(o.dataDir, 'desired.json');
  const backup = `${path}.bak`;
  const log = o.log ?? (() => undefined);
  let lastRevision: number | undefined;
  let lastNode: string | undefined;
  // Only a file known to be valid may replace the backup.
  let currentIsGood = false;

  async function readOne(file: string): Promise<DesiredState | null> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log(`desired-state cache: cannot read ${file}: ${(e as Error).message}`);
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      log(`desired-state cache: ${file} is corrupt or truncated (${(e as Error).message}); ignoring it`);
      return null;
    }
    const r = desiredStateSchema.safeParse(json);
    if (!r.success) {
      const why = issuesText(r.error, 3);
      log(`desired-state cache: ${file} is not a valid desired state (${why}); ignoring it`);
      return null;
    }
    return r.data;
  }

  return {
    path,
    async load() {
      const current = await readOne(path);
      currentIsGood = current !== null;
      const state = current ?? (await readOne(backup));
      if (state) {
        lastRevision = state.revision;
        lastNode = state.node;
      }
      return state;
    },
    async save(state) {
      // Only a new revision is worth a write (SD cards wear out), unless the main file is bad: the server's copy replaces it.
      if (state.revision === lastRevision && state.node === lastNode && currentIsGood) return false;
      const keep = currentIsGood && (await stat(path).then(() => true, () => false));
      // Keep the previous good copy: a crash between the two renames leaves only the backup, which load() reads.
      if (keep) await rename(path, backup);
      await writeFileAtomic(path, JSON.stringify(state), 0o600);
      lastRevision = state.revision;
      lastNode = state.node;
      currentIsGood = true;
      return true;
    },
  };
}
