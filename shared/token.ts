import { createHash } from 'node:crypto';
import { KedgeError } from './errors.js';

/** A parsed join token: K10<sha256 hex of the CA PEM>::node:<secret>. */
export interface JoinToken {
  caHash: string;
  username: 'node';
  secret: string;
}

const tokenPattern = /^K10([0-9a-f]{64})::(node):([A-Za-z0-9._~-]{16,})$/;

export function caHash(caPem: string): string {
  return createHash('sha256').update(caPem).digest('hex');
}

export function formatJoinToken(caPem: string, secret: string): string {
  return `K10${caHash(caPem)}::node:${secret}`;
}

export function parseJoinToken(token: string): JoinToken {
  const m = tokenPattern.exec(token.trim());
  if (!m) {
    throw new KedgeError(
      'BadRequest',
      'token: malformed join token; expected K10<64 hex chars of the CA hash>::node:<secret> (read it from the server\'s <data-dir>/token)',
    );
  }
  return { caHash: m[1]!, username: 'node', secret: m[3]! };
}

/** True when the CA PEM the server presented is the one the token was made for. */
export function caMatches(token: JoinToken, caPem: string): boolean {
  return caHash(caPem) === token.caHash;
}
