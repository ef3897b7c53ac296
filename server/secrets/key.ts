import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KedgeError } from '../../shared/errors.js';
import { tightenMode } from '../bootstrap/private-file.js';
import { writeFileAtomicSync } from '../../shared/atomic-file.js';

/** AES-256: 32 bytes. */
export const secretsKeyBytes = 32;

export function secretsKeyPath(dataDir: string): string {
  return join(dataDir, 'secrets.key');
}

/**
 * The key that encrypts Secrets at rest: `<data-dir>/secrets.key` (base64, mode 0600), generated
 * once. Losing it loses every stored Secret, so a bad file is an error, never silently replaced.
 */
export function ensureSecretsKey(dataDir: string, o: { random?: (n: number) => Buffer; log?: (m: string) => void } = {}): Buffer {
  const path = secretsKeyPath(dataDir);
  if (!existsSync(path)) {
    const key = (o.random ?? randomBytes)(secretsKeyBytes);
    writeFileAtomicSync(path, `${key.toString('base64')}\n`, 0o600);
    o.log?.(`generated the Secret encryption key ${path}; back it up with the database, Secrets cannot be read without it`);
    return key;
  }
  tightenMode(path, 0o600, o.log);
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new KedgeError('InternalError', `${path}: cannot read the Secret encryption key: ${(e as Error).message}`, { cause: e });
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== secretsKeyBytes || key.toString('base64') !== text) {
    throw new KedgeError('Invalid', `${path}: expected ${secretsKeyBytes} bytes of base64 (an AES-256 key); restore the original file, Secrets stored with it cannot be read otherwise`);
  }
  return key;
}
