import { Hono } from 'hono';
import { createJoinTokenSchema, joinTokensPath } from '../../shared/join-tokens.js';
import { validate } from '../../shared/validate.js';
import type { JoinTokens } from '../tokens/join-tokens.js';
import { readJsonObject } from './request-body.js';

/** /kedge/v1/tokens: list, create, delete and rotate join tokens (admin token required, like the rest of the API). */
export function joinTokenRoutes(tokens: Pick<JoinTokens, 'create' | 'list' | 'delete' | 'rotate'>): Hono {
  const app = new Hono();
  app.get(joinTokensPath, (c) => c.json({ items: tokens.list() }));
  app.post(joinTokensPath, async (c) => {
    const req = validate(createJoinTokenSchema, await readJsonObject(c), { kind: 'JoinToken' });
    return c.json(tokens.create(req), 201);
  });
  app.post(`${joinTokensPath}/rotate`, (c) => c.json(tokens.rotate()));
  app.delete(`${joinTokensPath}/:id`, (c) => {
    tokens.delete(c.req.param('id'));
    return c.json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: c.req.param('id'), kind: 'tokens' } });
  });
  return app;
}
