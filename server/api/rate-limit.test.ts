import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { rateLimitPerClient } from './rate-limit.js';
import { asKedgeError, statusResponse } from './status-response.js';
import { joinToken, testApi } from './testing/fixtures.js';

const request = { nodeName: 'edge-1', nodePassword: 'p'.repeat(32) };
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

describe('join rate limit', () => {
  it('answers 429 with a Status and Retry-After once a client address used up its burst; other addresses still join', async () => {
    const { app, joins, logs } = testApi({ joinRateLimit: { perSecond: 1, burst: 3 } });
    const post = (address: string, token = joinToken) =>
      app.request('/kedge/v1/join', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(request) }, from(address));

    // wrong tokens use up the bucket too: guessing is throttled
    expect((await post('10.0.0.1', 'K10wrong')).status).toBe(401);
    expect((await post('10.0.0.1')).status).toBe(200);
    expect((await post('10.0.0.1')).status).toBe(200);
    const refused = await post('10.0.0.1');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429, message: expect.stringContaining('join: too many requests from 10.0.0.1') });
    expect((await post('10.0.0.1')).status).toBe(429);
    expect(joins).toHaveLength(2);
    expect(logs.filter((l) => l.includes('rate limit reached for 10.0.0.1'))).toHaveLength(1);

    expect((await post('10.0.0.2')).status).toBe(200);
  });

  it('refills over time', async () => {
    let t = 0;
    const app = new Hono();
    app.onError((e, c) => statusResponse(c, asKedgeError(e, () => undefined)));
    app.use(rateLimitPerClient({ limit: { perSecond: 10 / 60, burst: 2 }, what: 'join', now: () => t }));
    app.post('/', (c) => c.text('ok'));
    const post = async () => (await app.request('/', { method: 'POST' }, from('10.0.0.5'))).status;
    expect([await post(), await post(), await post()]).toEqual([200, 200, 429]);
    t += 5_000;
    expect(await post()).toBe(429);
    t += 1_000; // 6 s at 10/min: one more
    expect([await post(), await post()]).toEqual([200, 429]);
  });

  it('can be turned off', async () => {
    const { app } = testApi({ joinRateLimit: false });
    for (let i = 0; i < 30; i++) {
      const res = await app.request('/kedge/v1/join', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${joinToken}` }, body: JSON.stringify(request) }, from('10.0.0.9'));
      expect(res.status).toBe(200);
    }
  });

  it('limits by default to a burst of 20', async () => {
    const { app } = testApi();
    const codes: number[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await app.request('/kedge/v1/join', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${joinToken}` }, body: JSON.stringify(request) }, from('10.0.0.3'));
      codes.push(res.status);
    }
    expect(codes.filter((c) => c === 200)).toHaveLength(20);
    expect(codes.slice(20)).toEqual([429, 429]);
  });
});
