import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatJoinToken } from '../../shared/token.js';
import { isKedgeError } from '../../shared/errors.js';
import type { JoinResponse } from '../../shared/messages.js';
import { startTestJoinServer as startServer, type TestJoinServer as FakeServer } from './testing/join-server.js';
import { joinServer } from './join.js';
import { makeTestPki, type TestPki as Pki } from './testing/pki.js';

let pki: Pki;
const servers: FakeServer[] = [];
beforeAll(async () => {
  pki = makeTestPki(await mkdtemp(join(tmpdir(), 'kedge-pki-')));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(o?: Parameters<typeof startServer>[1]) {
  const s = await startServer(pki, o);
  servers.push(s);
  return s;
}

const secret = 'abcdefghijklmnop0123';

describe('joinServer', () => {
  it('checks the CA, sends the token and password, and saves the credentials 0600', async () => {
    const s = await serve();
    const dataDir = await mkdtemp(join(tmpdir(), 'kedge-join-'));
    const token = formatJoinToken(pki.caPem, secret);
    const r = await joinServer({ server: s.url, token, nodeName: 'edge-1', dataDir, labels: { zone: 'a' } });
    expect(r.fromCache).toBe(false);
    expect(r.mqtt).toEqual({ url: 'mqtts://127.0.0.1:8883', username: 'edge-1', password: 'mqtt-secret' });
    expect(s.joins).toHaveLength(1);
    expect(s.joins[0]!.auth).toBe(`Bearer ${token}`);
    const pw = (await readFile(join(dataDir, 'node-password'), 'utf8')).trim();
    expect(pw).toMatch(/^[0-9a-f]{64}$/);
    expect(s.joins[0]!.body).toEqual({ nodeName: 'edge-1', nodePassword: pw, labels: { zone: 'a' } });
    expect((await stat(join(dataDir, 'node-password'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'credentials.json'))).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(join(dataDir, 'credentials.json'), 'utf8')) as JoinResponse;
    expect(saved.mqtt.password).toBe('mqtt-secret');

    // A second join reuses the same password.
    await joinServer({ server: s.url, token, nodeName: 'edge-1', dataDir });
    expect((s.joins[1]!.body as { nodePassword: string }).nodePassword).toBe(pw);
  });

  it('refuses a server whose CA does not match the token before sending anything secret', async () => {
    const s = await serve({ servedCa: pki.otherCaPem });
    const dataDir = await mkdtemp(join(tmpdir(), 'kedge-join-'));
    const token = formatJoinToken(pki.caPem, secret);
    const err = await joinServer({ server: s.url, token, nodeName: 'edge-1', dataDir }).catch((e: unknown) => e);
    expect(isKedgeError(err)).toBe(true);
    expect((err as Error).message).toMatch(/the server's CA does not match the join token \(expected hash [0-9a-f]{64}, got [0-9a-f]{64}\); refusing to send the token/);
    expect(s.joins).toHaveLength(0);
  });

  it('names --token when the token is malformed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kedge-join-'));
    const err = await joinServer({ server: 'https://127.0.0.1:1', token: 'K10nothex::node:x', nodeName: 'edge-1', dataDir }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^--token: malformed join token/);
  });

  it('names --node-name when the node name is not a DNS label', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kedge-join-'));
    const err = await joinServer({ server: 'https://127.0.0.1:1', token: formatJoinToken(pki.caPem, secret), nodeName: 'Edge_1', dataDir }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^--node-name: node names must be DNS-1123/);
  });

  it('explains a 409: the node name is taken', async () => {
    const s = await serve({ joinStatus: 409, joinMessage: 'node edge-1 exists with another password' });
    const dataDir = await mkdtemp(join(tmpdir(), 'kedge-join-'));
    const err = await joinServer({ server: s.url, token: formatJoinToken(pki.caPem, secret), nodeName: 'edge-1', dataDir }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/node name edge-1 is already taken by another node/);
  });

  it('after a token rotation, a node that joined before starts with its saved credentials', async () => {
    const ok = await serve();
    const dataDir = await mkdtemp(join(tmpdir(), 'kedge-join-'));
    const token = formatJoinToken(pki.caPem, secret);
    await joinServer({ server: ok.url, token, nodeName: 'edge-1', dataDir });
    const refusing = await serve({ joinStatus: 401, joinMessage: 'bad token' });
    const logs: string[] = [];
    const r = await joinServer({ server: refusing.url, token, nodeName: 'edge-1', dataDir, log: (m) => logs.push(m) });
    expect(r.fromCache).toBe(true);
    expect(logs.join('\n')).toMatch(/refused the join token/);
  });

  it('a 401 without saved credentials (or for another node name) is an error naming --token', async () => {
    const ok = await serve();
    const dataDir = await mkdtemp(join(tmpdir(), 'kedge-join-'));
    const token = formatJoinToken(pki.caPem, secret);
    await joinServer({ server: ok.url, token, nodeName: 'edge-1', dataDir });
    const refusing = await serve({ joinStatus: 401, joinMessage: 'bad token' });
    const err = await joinServer({ server: refusing.url, token, nodeName: 'edge-2', dataDir }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/the server refused the join token \(bad token\); check --token/);
    const fresh = await mkdtemp(join(tmpdir(), 'kedge-join-'));
    const err2 = await joinServer({ server: refusing.url, token, nodeName: 'edge-1', dataDir: fresh }).catch((e: unknown) => e);
    expect((err2 as Error).message).toMatch(/check --token/);
  });

  it('uses the saved credentials when the server refuses connections', async () => {
    const s = await serve();
    const dataDir = await mkdtemp(join(tmpdir(), 'kedge-join-'));
    const token = formatJoinToken(pki.caPem, secret);
    await joinServer({ server: s.url, token, nodeName: 'edge-1', dataDir });
    const url = s.url;
    await servers.pop()!.close();
    const logs: string[] = [];
    const r = await joinServer({ server: url, token, nodeName: 'edge-1', dataDir, log: (m) => logs.push(m) });
    expect(r.fromCache).toBe(true);
    expect(r.mqtt.password).toBe('mqtt-secret');
    expect(logs.join('\n')).toMatch(/ECONNREFUSED.*saved credentials/);
  });

  it('fails clearly when unreachable and never joined', async () => {
    const s = await serve();
    const url = s.url;
    await servers.pop()!.close();
    const dataDir = await mkdtemp(join(tmpdir(), 'kedge-join-'));
    const err = await joinServer({ server: url, token: formatJoinToken(pki.caPem, secret), nodeName: 'edge-1', dataDir }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/cannot join: .*ECONNREFUSED.*no saved credentials.*never joined/);
  });

  it('rejects a node password file that was damaged', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kedge-join-'));
    await writeFile(join(dataDir, 'node-password'), 'short\n');
    const err = await joinServer({ server: 'https://127.0.0.1:1', token: formatJoinToken(pki.caPem, secret), nodeName: 'edge-1', dataDir }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/node-password: the node password is shorter/);
  });
});
