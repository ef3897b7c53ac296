import { randomBytes } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KedgeError } from '../../shared/errors.js';
import { writeFileAtomic } from '../../shared/atomic-file.js';

/**
 * The node password proves this machine is the node that first registered the name.
 * Generated once (32 random bytes, hex), kept 0600 in the data dir, reused forever.
 */
export async function loadOrCreateNodePassword(dataDir: string, random: (n: number) => Buffer = randomBytes): Promise<string> {
  const path = join(dataDir, 'node-password');
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (text.length < 16) {
      throw new KedgeError('Invalid', `${path}: the node password is shorter than 16 characters; restore the original file (the server knows this node by it)`);
    }
    await chmod(path, 0o600);
    return text;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const password = random(32).toString('hex');
  await writeFileAtomic(path, `${password}\n`, 0o600);
  return password;
}
