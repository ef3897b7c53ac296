import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { KedgeError } from '../../shared/errors.js';

/** Paths anyone may call: health, version, the CA (agents check it against the token), join (its own token), the install script. */
export const publicPaths = new Set(['/healthz', '/readyz', '/livez', '/version', '/cacerts', '/kedge/v1/join', '/install.sh']);

/** Prefixes whose routes check their own token (downloads take the join token too). */
export const selfAuthorizedPrefixes = ['/kedge/v1/download/'];

/** Constant-time comparison; hashing first makes the lengths equal, so length leaks nothing either. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** Requires `Authorization: Bearer <adminToken>` on everything but the public paths. */
export function requireAdminToken(adminToken: string): MiddlewareHandler {
  if (!adminToken) throw new KedgeError('InternalError', 'api: the admin token is empty; refusing to serve an API anyone could use');
  return async (c, next) => {
    if (publicPaths.has(c.req.path) || selfAuthorizedPrefixes.some((p) => c.req.path.startsWith(p))) return next();
    const token = bearerToken(c.req.header('authorization'));
    if (token === undefined || !sameSecret(token, adminToken)) {
      throw new KedgeError('Unauthorized', 'Unauthorized: a valid bearer token is required');
    }
    return next();
  };
}
