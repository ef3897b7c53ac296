import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatJoinToken } from '../../shared/token.js';
import { openStore } from '../store/store.js';
import { createJoinTokens } from '../tokens/join-tokens.js';
import { testApi } from './testing/fixtures.js';

const caPem = '-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-token-api-'));
  dirs.push(dir);
  const tokens = createJoinTokens({ store: openStore(':memory:'), caPem, bootstrapToken: formatJoinToken(caPem, 'b'.repeat(64)), tokenFile: join(dir, 'token') });
  const api = testApi({ joinTokens: tokens, verifyJoinToken: (t) => tokens.verify(t), joinRateLimit: false });
  const join_ = (token: string) =>
    api.app.request('/kedge/v1/join', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ nodeName: 'edge-9', nodePassword: 'p'.repeat(32) }) });
  return { ...api, tokens, join_ };
}

describe('/kedge/v1/tokens', () => {
  it('creates a token that joins, lists it, deletes it, after which it no longer joins', async () => {
    const s = setup();
    const created = await s.call('POST', '/kedge/v1/tokens', { ttlSeconds: 3600, description: 'lab' });
    expect(created.status).toBe(201);
    const t = await created.json();
    expect(t).toMatchObject({ description: 'lab', expired: false });
    expect((await s.join_(t.token)).status).toBe(200);
    const list = await (await s.call('GET', '/kedge/v1/tokens')).json();
    expect(list.items.map((i: { id: string }) => i.id)).toEqual(['bootstrap', t.id]);
    expect((await s.call('DELETE', `/kedge/v1/tokens/${t.id}`)).status).toBe(200);
    expect((await s.join_(t.token)).status).toBe(401);
    expect((await s.call('DELETE', `/kedge/v1/tokens/${t.id}`)).status).toBe(404);
  });

  it('rotate answers the new bootstrap token; the old one is refused', async () => {
    const s = setup();
    const old = s.tokens.bootstrapToken;
    const next = await (await s.call('POST', '/kedge/v1/tokens/rotate')).json();
    expect((await s.join_(old)).status).toBe(401);
    expect((await s.join_(next.token)).status).toBe(200);
  });

  it('needs the admin token and validates the body', async () => {
    const s = setup();
    expect((await s.app.request('/kedge/v1/tokens')).status).toBe(401);
    const bad = await s.call('POST', '/kedge/v1/tokens', { ttlSeconds: -5 });
    expect(bad.status).toBe(422);
    expect((await bad.json()).message).toContain('ttlSeconds');
  });
});
