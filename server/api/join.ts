import { Hono } from 'hono';
import { KedgeError } from '../../shared/errors.js';
import { joinRequestSchema } from '../../shared/messages.js';
import { validate } from '../../shared/validate.js';
import { bearerToken } from './auth.js';
import { defaultJoinRateLimit, rateLimitPerClient } from './rate-limit.js';
import { readJsonObject } from './request-body.js';
import type { ApiDeps } from './types.js';

/** GET /cacerts (no auth: the agent checks its hash against the join token) and POST /kedge/v1/join. */
export function joinRoutes(deps: Pick<ApiDeps, 'caPem' | 'verifyJoinToken' | 'join' | 'joinRateLimit' | 'log'>): Hono {
  const app = new Hono();
  // Before the token check, so guessing tokens is throttled too.
  if (deps.joinRateLimit !== false) app.use('/kedge/v1/join', rateLimitPerClient({ limit: deps.joinRateLimit ?? defaultJoinRateLimit, what: 'join', log: deps.log }));
  app.get('/cacerts', (c) => c.body(deps.caPem, 200, { 'Content-Type': 'application/x-pem-file' }));
  app.post('/kedge/v1/join', async (c) => {
    const token = bearerToken(c.req.header('authorization'));
    if (token === undefined || !deps.verifyJoinToken(token)) {
      throw new KedgeError('Unauthorized', 'Unauthorized: a valid join token is required (Authorization: Bearer K10…)');
    }
    const req = validate(joinRequestSchema, await readJsonObject(c), { kind: 'JoinRequest' });
    return c.json(await deps.join(req, { host: c.req.header('host') }));
  });
  return app;
}
