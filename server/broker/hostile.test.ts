import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { topics } from '../../shared/topics.js';
import { ensurePki, type Pki } from '../pki/ensure.js';
import { maxPacketBytes, startBroker } from './broker.js';

const passwords: Record<string, string> = { a: 'password-of-node-a', b: 'password-of-node-b' };

let dir: string;
let pki: Pki;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kedge-hostile-'));
  pki = await ensurePki({ dir: join(dir, 'tls'), hostname: 'broker-test', sans: [], addresses: () => ['127.0.0.1'] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let broker: Awaited<ReturnType<typeof startBroker>>;
let received: { node: string; payload: string }[];
let logs: string[];
const clients: MqttClient[] = [];

beforeEach(async () => {
  received = [];
  logs = [];
  broker = await startBroker({
    host: '127.0.0.1',
    port: 0,
    tls: { key: pki.keyPem, cert: pki.certPem },
    authenticate: (user, password) => passwords[user] === password,
    onNodeMessage: (node, _kind, payload) => received.push({ node, payload: payload.toString() }),
    log: (m) => logs.push(m),
  });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await broker.close();
});

async function connect(node: string): Promise<MqttClient> {
  const c = await connectAsync(`mqtts://127.0.0.1:${broker.port}`, {
    username: node, password: passwords[node], clientId: node, ca: pki.caPem, servername: 'localhost', protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000,
  });
  clients.push(c);
  return c;
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A PUBLISH fixed header announcing `length` bytes, with no body behind it. */
function bigPublishHeader(length: number): Buffer {
  const bytes = [0x30];
  let n = length;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
}

describe('broker under hostile input', () => {
  it('rate-limits a flooding node, logging once, while another node gets through', async () => {
    const a = await connect('a');
    const b = await connect('b');
    const t0 = Date.now();
    for (let i = 0; i < 10_000; i++) a.publish(topics.status('a'), `flood-${i}`, { qos: 0 });
    const beats = ['b-1', 'b-2', 'b-3'];
    for (const beat of beats) await b.publishAsync(topics.status('b'), beat, { qos: 1 });
    await a.publishAsync(topics.online('a'), 'end', { qos: 1 }); // ordered after the flood on a's connection
    await until(() => broker.stats.rateLimited + received.filter((r) => r.node === 'a').length >= 10_001);
    const seconds = (Date.now() - t0) / 1000;

    expect(received.filter((r) => r.node === 'b').map((r) => r.payload)).toEqual(beats);
    const fromA = received.filter((r) => r.node === 'a').length;
    expect(fromA).toBeGreaterThanOrEqual(100); // the burst
    expect(fromA).toBeLessThanOrEqual(100 + Math.ceil(50 * seconds) + 1); // the burst + 50/s while the flood lasted
    expect(broker.stats.rateLimited).toBe(10_001 - fromA);
    expect(logs.filter((l) => l.includes('node a exceeds'))).toHaveLength(1);
    expect(logs.filter((l) => l.includes('node b'))).toEqual([]);
    expect(a.connected).toBe(true); // dropped, not disconnected
  });

  it('closes an authenticated connection whose packet header announces more than the cap, before any body arrives', async () => {
    const a = await connect('a');
    const closed = new Promise<void>((r) => a.stream.once('close', () => r()));
    a.stream.write(bigPublishHeader(256 * 1024 * 1024 - 1));
    await closed;
    expect(broker.stats.oversizedPackets).toBe(1);
    expect(logs.some((l) => l.includes('closed the connection of node a') && l.includes(`exceeds ${maxPacketBytes}`))).toBe(true);

    const b = await connect('b'); // the broker is fine
    await b.publishAsync(topics.status('b'), 'alive', { qos: 1 });
    await until(() => received.some((r) => r.payload === 'alive'));
  });

  it('closes an unauthenticated connection announcing a huge CONNECT', async () => {
    const socket = tls.connect({ host: '127.0.0.1', port: broker.port, ca: pki.caPem, servername: 'localhost' });
    await new Promise<void>((r) => socket.once('secureConnect', () => r()));
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f])); // CONNECT of 256 MB
    await closed;
    expect(broker.stats.oversizedPackets).toBe(1);
    expect(logs.some((l) => l.includes('unauthenticated client at 127.0.0.1'))).toBe(true);
  });
});
