/** An in-process aedes broker on 127.0.0.1 for session tests, recording what is published. */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes } from 'aedes';

export interface TestBroker {
  url: string;
  port: number;
  broker: Aedes;
  published: { topic: string; payload: string; retain: boolean; qos: number; client?: string }[];
  close(): Promise<void>;
}

/** With `password`, only edge-1 with that password gets in (CONNACK 5 otherwise). */
export async function startBroker(o: { port?: number; password?: string } = {}): Promise<TestBroker> {
  const broker = await Aedes.createBroker();
  broker.authenticate = (_client, username, password, done) => {
    const ok = o.password === undefined || (username === 'edge-1' && password?.toString() === o.password);
    if (ok) done(null, true);
    else done(Object.assign(new Error('not authorized'), { returnCode: 5 }) as never, false);
  };
  const published: TestBroker['published'] = [];
  broker.on('publish', (packet, client) => {
    if (packet.topic.startsWith('$SYS')) return;
    published.push({ topic: packet.topic, payload: packet.payload.toString(), retain: packet.retain, qos: packet.qos, client: client?.id });
  });
  const server = net.createServer(broker.handle);
  await new Promise<void>((r) => server.listen(o.port ?? 0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    broker,
    published,
    close: async () => {
      for (const c of Object.values((broker as unknown as { clients: Record<string, { conn: net.Socket }> }).clients)) c.conn.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}

export function publishRetained(b: TestBroker, topic: string, payload: string): Promise<void> {
  return new Promise((r) => b.broker.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: true, dup: false }, () => r()));
}

export async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
