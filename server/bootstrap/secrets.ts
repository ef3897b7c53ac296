import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KedgeError } from '../../shared/errors.js';
import { caMatches, formatJoinToken, parseJoinToken } from '../../shared/token.js';
import { tightenMode } from './private-file.js';
import { writeFileAtomicSync } from '../../shared/atomic-file.js';

export interface ServerSecrets {
  /** Bearer token for the admin kubeconfig. */
  adminToken: string;
  /** The full join token, K10<ca hash>::node:<secret>, as printed and stored in <dir>/token. */
  joinToken: string;
  /** The secret part of the join token, what /kedge/v1/join compares against. */
  joinSecret: string;
}

const secretPattern = /^[A-Za-z0-9._~-]{16,}$/;

/**
 * Creates `<dir>/token` and `<dir>/admin-token` (0600) once and reuses them later. When the CA
 * changed, the join token's hash is re-derived but its secret kept, so only the hash part moves.
 */
export function ensureSecrets(
  dir: string,
  caPem: string,
  random: (bytes: number) => Buffer = randomBytes,
  log?: (m: string) => void,
): ServerSecrets {
  const newSecret = () => random(32).toString('hex');

  const tokenPath = join(dir, 'token');
  let joinSecret: string;
  if (existsSync(tokenPath)) {
    tightenMode(tokenPath, 0o600, log);
    const text = readFileSync(tokenPath, 'utf8').trim();
    let parsed;
    try {
      parsed = parseJoinToken(text);
    } catch (e) {
      throw new KedgeError('Invalid', `${tokenPath}: not a kedge join token (expected K10<ca hash>::node:<secret>); fix or delete the file to generate a new one`, { cause: e });
    }
    joinSecret = parsed.secret;
    if (!caMatches(parsed, caPem)) {
      log?.(`${tokenPath}: the CA changed; re-deriving the join token's CA hash (secret kept)`);
      writeFileAtomicSync(tokenPath, `${formatJoinToken(caPem, joinSecret)}\n`, 0o600);
    }
  } else {
    joinSecret = newSecret();
    writeFileAtomicSync(tokenPath, `${formatJoinToken(caPem, joinSecret)}\n`, 0o600);
  }

  const adminPath = join(dir, 'admin-token');
  let adminToken: string;
  if (existsSync(adminPath)) {
    tightenMode(adminPath, 0o600, log);
    adminToken = readFileSync(adminPath, 'utf8').trim();
    if (!secretPattern.test(adminToken)) {
      throw new KedgeError('Invalid', `${adminPath}: the admin token must be at least 16 characters of A-Z a-z 0-9 . _ ~ -; fix or delete the file to generate a new one`);
    }
  } else {
    adminToken = newSecret();
    writeFileAtomicSync(adminPath, `${adminToken}\n`, 0o600);
  }

  return { adminToken, joinToken: formatJoinToken(caPem, joinSecret), joinSecret };
}
