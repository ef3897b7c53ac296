import { describe, expect, it } from 'vitest';
import { KedgeError } from '../../shared/errors.js';
import { joinToken, testApi } from './testing/fixtures.js';

const request = { nodeName: 'edge-1', nodePassword: 'p'.repeat(32) };
const post = (app: ReturnType<typeof testApi>['app'], body: unknown, token?: string) =>
  app.request('/kedge/v1/join', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe('POST /kedge/v1/join', () => {
  it('calls join with a valid join token and returns its answer', async () => {
    const { app, joins } = testApi();
    const res = await post(app, request, joinToken);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ nodeName: 'edge-1', mqtt: { username: 'edge-1' } });
    expect(joins).toEqual([request]);
  });

  it('refuses a missing or wrong token without calling join', async () => {
    const { app, joins } = testApi();
    expect((await post(app, request)).status).toBe(401);
    expect((await post(app, request, joinToken.replace('secret', 'secreT'))).status).toBe(401);
    expect(joins).toEqual([]);
  });

  it('does not accept the admin token in place of the join token', async () => {
    const { app, joins } = testApi();
    expect((await post(app, request, 'admin-token-0123456789')).status).toBe(401);
    expect(joins).toEqual([]);
  });

  it('answers 422 naming the field for an invalid request', async () => {
    const { app, joins } = testApi();
    const res = await post(app, { nodeName: 'Edge_1', nodePassword: 'short' }, joinToken);
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.message).toContain('nodeName');
    expect(body.message).toContain('nodePassword');
    expect(joins).toEqual([]);
  });

  it('passes a KedgeError from join through as its Status', async () => {
    const { app } = testApi({
      join: async () => {
        throw new KedgeError('Forbidden', 'node "edge-1" is already registered with another password');
      },
    });
    const res = await post(app, request, joinToken);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ reason: 'Forbidden', message: 'node "edge-1" is already registered with another password' });
  });
});
