import { readFile, rename, stat } from 'node:fs/promises';
import type { z } from 'zod';
import { writeFileAtomic } from '../../shared/atomic-file.js';
import { issuesText } from '../../shared/validate.js';

export interface RevisionedFile<T> {
  /** The last good copy on disk (the file, else its .bak), or null. */
  load(): Promise<T | null>;
  /** Writes the state when its key differs from the one on disk; true when it wrote. */
  save(state: T): Promise<boolean>;
  readonly path: string;
}

export interface RevisionedFileOptions<T> {
  path: string;
  schema: z.ZodType<T>;
  /** Names the file in log lines, e.g. "desired-state cache". */
  label: string;
  /** What the file holds, e.g. "desired state". */
  what: string;
  /** What makes two states the same on disk; default: the revision. */
  key?: (state: T) => string;
  log?: (msg: string) => void;
}

/**
 * A message cached on disk so the node can act on it after a reboot without the server: written
 * atomically, the previous good copy kept as .bak, validated with its schema when read back.
 */
export function createRevisionedFile<T extends { revision: number }>(o: RevisionedFileOptions<T>): RevisionedFile<T> {
  const path = o.path;
  const backup = `${path}.bak`;
  const log = o.log ?? (() => undefined);
  const key = o.key ?? ((s: T) => String(s.revision));
  let lastKey: string | undefined;
  // Only a file known to be valid may replace the backup.
  let currentIsGood = false;

  async function readOne(file: string): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log(`${o.label}: cannot read ${file}: ${(e as Error).message}`);
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      log(`${o.label}: ${file} is corrupt or truncated (${(e as Error).message}); ignoring it`);
      return null;
    }
    const r = o.schema.safeParse(json);
    if (!r.success) {
      const why = issuesText(r.error, 3);
      log(`${o.label}: ${file} is not a valid ${o.what} (${why}); ignoring it`);
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
      if (state) lastKey = key(state);
      return state;
    },
    async save(state) {
      // Only a new revision is worth a write (SD cards wear out), unless the main file is bad: the server's copy replaces it.
      if (key(state) === lastKey && currentIsGood) return false;
      const keep = currentIsGood && (await stat(path).then(() => true, () => false));
      // Keep the previous good copy: a crash between the two renames leaves only the backup, which load() reads.
      if (keep) await rename(path, backup);
      await writeFileAtomic(path, JSON.stringify(state), 0o600);
      lastKey = key(state);
      currentIsGood = true;
      return true;
    },
  };
}
