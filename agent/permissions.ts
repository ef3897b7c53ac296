import { chmod, lstat } from 'node:fs/promises';
import { join } from 'node:path';

/** A path that must not be readable by other users, and the loosest mode it may have. */
export interface PrivatePath {
  path: string;
  mode: number;
}

/** The agent's secrets: node password, MQTT credentials, the desired-state cache (it carries Secrets). */
export function agentPrivatePaths(dataDir: string): PrivatePath[] {
  const files = ['node-password', 'credentials.json', 'desired.json', 'desired.json.bak'];
  return [{ path: dataDir, mode: 0o700 }, ...files.map((f) => ({ path: join(dataDir, f), mode: 0o600 }))];
}

const octal = (m: number) => m.toString(8).padStart(4, '0');

/**
 * Checks every existing path: one looser than allowed gets a warning naming it and is tightened.
 * Missing paths are fine (first start). Never throws: a node must come up even on an odd filesystem.
 */
export async function checkPermissions(paths: PrivatePath[], log: (msg: string) => void): Promise<string[]> {
  const warnings: string[] = [];
  for (const p of paths) {
    let mode: number;
    try {
      const st = await lstat(p.path);
      if (st.isSymbolicLink()) continue; // chmod would follow it to whatever it points at
      mode = st.mode & 0o777;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log(`warning: cannot check the permissions of ${p.path}: ${(e as Error).message}`);
      continue;
    }
    if ((mode & ~p.mode) === 0) continue;
    const w = `warning: ${p.path} has mode ${octal(mode)}, looser than ${octal(p.mode)} (other users could read it); setting ${octal(p.mode)}`;
    warnings.push(w);
    log(w);
    await chmod(p.path, p.mode).catch((e: Error) => log(`warning: cannot chmod ${p.path}: ${e.message}; fix its permissions by hand`));
  }
  return warnings;
}
