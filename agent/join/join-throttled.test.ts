import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatJoinToken } from '../../shared/token.js';
import { joinServer } from './join.js';
import { makeTestPki, type TestPki } from './testing/pki.js';
import { startTestJoinServer, type TestJoinServer } from './testing/join-server.js';

let pki: TestPki;
const servers: TestJoinServer[] = [];
beforeAll(async () => {
  pki = makeTestPki(await mkdtemp(join(tmpdir(), 'kedge-pki-')));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('joinServer against the join rate limit', () => {
  it('starts with the saved credentials when the server answers 429 (a fleet rebooting behind one address)', async () => {
    const ok = await startTestJoinServer(pki);
    servers.push(ok);
    const dataDir = await mkdtemp(join(tmpdir(), 'kedge-join-'));
    const token = formatJoinToken(pki.caPem, 'abcdefghijklmnop0123');
    await joinServer({ server: ok.url, token, nodeName: 'edge-1', dataDir });

    const busy = await startTestJoinServer(pki, { joinStatus: 429, joinMessage: 'join: too many requests from 10.0.0.1; try again in 6s' });
    servers.push(busy);
    const logs: string[] = [];
    const r = await joinServer({ server: busy.url, token, nodeName: 'edge-1', dataDir, log: (m) => logs.push(m) });
    expect(r.fromCache).toBe(true);
    expect(r.mqtt.password).toBe('mqtt-secret');
    expect(logs.join('\n')).toMatch(/too many requests.*saved credentials/);
  });

  it('fails clearly on a 429 when the node never joined', async () => {
    const busy = await startTestJoinServer(pki, { joinStatus: 429, joinMessage: 'join: too many requests' });
    servers.push(busy);
    const dataDir = await mkdtemp(join(tmpdir(), 'kedge-join-'));
    const err = await joinServer({ server: busy.url, token: formatJoinToken(pki.caPem, 'abcdefghijklmnop0123'), nodeName: 'edge-1', dataDir }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/cannot join: .*too many requests.*no saved credentials/);
  });
});
