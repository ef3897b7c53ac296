import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import { topics } from '../../shared/topics.js';
import { createSession } from './session.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function broker() {
  const b = await Aedes.createBroker();
  const published: { topic: string; payload: string }[] = [];
  b.on('publish', (p) => void (p.topic.startsWith('$SYS') || published.push({ topic: p.topic, payload: p.payload.toString() })));
  const server = net.createServer(b.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(async () => {
    for (const c of Object.values((b as unknown as { clients: Record<string, { conn: net.Socket }> }).clients)) c.conn.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => b.close(() => r()));
  });
  const publish = (topic: string, payload: string) => new Promise<void>((r) => b.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false }, () => r()));
  return { url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`, published, publish };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('MQTT session: rpc', () => {
  it('subscribes to its rpc/req/+ topic, hands requests over by id and answers on rpc/res/{id}', async () => {
    const b = await broker();
    const got: [string, string][] = [];
    const s = createSession({
      nodeName: 'edge-1',
      credentials: { url: b.url, username: 'edge-1', password: 'pw' },
      report: async () => { throw new Error('no report in this test'); },
      podStatuses: () => [],
      onDesired: () => undefined,
      onRpcRequest: (id, payload) => got.push([id, payload.toString()]),
    });
    cleanups.push(() => s.close());
    expect(s.publishRpc('req-1', '{}')).toBe(false); // not connected yet
    await until(() => s.connected);
    // The subscription is in place once a request published now arrives.
    await until(() => {
      void b.publish(topics.rpcRequest('edge-1', 'req-00000001'), '{"op":"cancel"}');
      return got.length > 0;
    });
    expect(got[0]).toEqual(['req-00000001', '{"op":"cancel"}']);
    await b.publish(topics.rpcRequest('edge-2', 'req-00000002'), '{}'); // another node's request
    expect(s.publishRpc('req-00000001', '{"type":"end","seq":0}')).toBe(true);
    await until(() => b.published.some((p) => p.topic === topics.rpcResponse('edge-1', 'req-00000001')));
    expect(got.every(([id]) => id === 'req-00000001')).toBe(true);
  });
});
