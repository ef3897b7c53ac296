import { chmodSync, closeSync, lstatSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KedgeError } from '../../shared/errors.js';

/** A path that must not be readable by other users, and the loosest mode it may have. */
export interface PrivatePath {
  path: string;
  mode: number;
}

/**
 * What the server keeps that others must not read: the data dir and its subdirectories (0700), the
 * CA and server keys, tokens, the Secrets key, the admin kubeconfig and the database (0600; the
 * database holds Secrets and node credential hashes).
 */
export function serverPrivatePaths(dataDir: string): PrivatePath[] {
  const dirs = ['', 'db', 'tls'].map((d) => ({ path: join(dataDir, d), mode: 0o700 }));
  const files = ['token', 'admin-token', 'secrets.key', 'kedge.yaml', 'tls/ca.key', 'tls/server.key', 'db/state.db', 'db/state.db-wal', 'db/state.db-shm'];
  return [...dirs, ...files.map((f) => ({ path: join(dataDir, f), mode: 0o600 }))];
}

const octal = (m: number) => m.toString(8).padStart(4, '0');

/**
 * Checks every existing path: one looser than allowed (group or other bits beyond its mode) gets a
 * warning naming it and is tightened. Missing paths are fine (first start). Returns the warnings.
 */
export function checkPermissions(paths: PrivatePath[], log: (msg: string) => void): string[] {
  const warnings: string[] = [];
  for (const p of paths) {
    let mode: number;
    try {
      const st = lstatSync(p.path);
      if (st.isSymbolicLink()) continue; // chmod would follow it to whatever it points at
      mode = st.mode & 0o777;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new KedgeError('InternalError', `${p.path}: cannot check its permissions: ${(e as Error).message}`, { cause: e });
    }
    if ((mode & ~p.mode) === 0) continue;
    const w = `warning: ${p.path} has mode ${octal(mode)}, looser than ${octal(p.mode)} (other users could read it); setting ${octal(p.mode)}`;
    warnings.push(w);
    log(w);
    try {
      chmodSync(p.path, p.mode);
    } catch (e) {
      log(`warning: cannot chmod ${p.path}: ${(e as Error).message}; fix its permissions by hand`);
    }
  }
  return warnings;
}

/**
 * Creates an empty file with `mode` if it does not exist yet (in a 0700 directory), so that a file
 * another library creates later (SQLite's database, whose -wal and -shm inherit its mode) starts private.
 */
export function ensurePrivateFile(path: string, mode = 0o600): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    closeSync(openSync(path, 'a', mode));
  } catch (e) {
    throw new KedgeError('InternalError', `${path}: cannot create it: ${(e as Error).message}`, { cause: e });
  }
}
