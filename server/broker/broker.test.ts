import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { topics, type NodeTopicKind } from '../../shared/topics.js';
import { ensurePki, type Pki } from '../pki/ensure.js';
import { maxNodePayloadBytes, startBroker } from './broker.js';

interface Received {
  node: string;
  kind: NodeTopicKind | 'rpc';
  payload: string;
  topic: string;
}

const passwords: Record<string, string> = { a: 'password-of-node-a', b: 'password-of-node-b' };

let dir: string;
let pki: Pki;
let otherCa: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kedge-broker-'));
  pki = await ensurePki({ dir: join(dir, 'tls'), hostname: 'broker-test', sans: [], addresses: () => ['127.0.0.1'] });
  otherCa = (await ensurePki({ dir: join(dir, 'other'), hostname: 'x', sans: [], addresses: () => ['127.0.0.1'] })).caPem;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let broker: Awaited<ReturnType<typeof startBroker>>;
let messages: Received[];
let connections: [string, boolean][];
let logs: string[];
const events = new EventEmitter();
const clients: MqttClient[] = [];

beforeEach(async () => {
  messages = [];
  connections = [];
  logs = [];
  broker = await startBroker({
    host: '127.0.0.1',
    port: 0,
    tls: { key: pki.keyPem, cert: pki.certPem },
    authenticate: (user, password) => passwords[user] === password,
    onNodeMessage(node, kind, payload, topic) {
      const m = { node, kind, payload: payload.toString(), topic };
      messages.push(m);
      events.emit('message', m);
    },
    onNodeConnection(node, connected) {
      connections.push([node, connected]);
      events.emit('connection', node, connected);
    },
    log: (m) => logs.push(m),
  });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await broker.close();
});

function connect(node: string, extra: Partial<IClientOptions> = {}): Promise<MqttClient> {
  return connectAsync(`mqtts://127.0.0.1:${broker.port}`, {
    username: node,
    password: passwords[node],
    clientId: node,
    ca: pki.caPem,
    rejectUnauthorized: true,
    servername: 'localhost',
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...extra,
  }).then((c) => {
    clients.push(c);
    return c;
  });
}

/** Resolves with the first matching value an event carries, or rejects after `ms`. */
function waitFor<T>(event: string, match: (...args: any[]) => T | undefined, ms = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      events.off(event, listener);
      reject(new Error(`timed out waiting for ${event}`));
    }, ms);
    const listener = (...args: unknown[]) => {
      const hit = match(...args);
      if (hit === undefined) return;
      clearTimeout(timer);
      events.off(event, listener);
      resolve(hit);
    };
    events.on(event, listener);
  });
}
const nodeMessage = (topic: string, payload?: string) =>
  waitFor('message', (m: Received) => (m.topic === topic && (payload === undefined || m.payload === payload) ? m : undefined));
const clientMessage = (client: MqttClient, topic: string, ms = 3000) =>
  new Promise<{ payload: string; retain: boolean }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${topic}`)), ms);
    client.on('message', (t, payload, packet) => {
      if (t !== topic) return;
      clearTimeout(timer);
      resolve({ payload: payload.toString(), retain: packet.retain });
    });
  });

const closedEvent = (client: MqttClient) => new Promise<void>((resolve) => client.once('close', () => resolve()));

/**
 * A publish from the same client that the server does receive: the broker handles one client's
 * packets in order, so anything published before it has been routed (or dropped) by then.
 */
async function barrier(client: MqttClient, node: string, tag: string): Promise<void> {
  const seen = nodeMessage(topics.status(node), tag);
  await client.publishAsync(topics.status(node), tag, { qos: 1 });
  await seen;
}

describe('embedded MQTT broker', () => {
  it('accepts a node with good credentials and reports its connection', async () => {
    const connected = waitFor('connection', (n: string, c: boolean) => (n === 'a' && c ? true : undefined));
    const a = await connect('a');
    expect(a.connected).toBe(true);
    await connected;
    expect(connections).toEqual([['a', true]]);

    const seen = nodeMessage(topics.status('a'));
    await a.publishAsync(topics.status('a'), '{"hello":1}', { qos: 0 });
    expect(await seen).toEqual({ node: 'a', kind: 'status', payload: '{"hello":1}', topic: topics.status('a') });

    const rpc = nodeMessage(topics.rpc('a', 'logs/42'));
    await a.publishAsync(topics.rpc('a', 'logs/42'), 'line', { qos: 1 });
    expect((await rpc).kind).toBe('rpc');

    const gone = waitFor('connection', (n: string, c: boolean) => (n === 'a' && !c ? true : undefined));
    await a.endAsync();
    await gone;
  });

  it('refuses a bad password, an unknown node and a client id of another node', async () => {
    await expect(connect('a', { password: 'wrong' })).rejects.toMatchObject({ code: 5 });
    await expect(connect('c', { password: 'whatever' })).rejects.toMatchObject({ code: 5 });
    await expect(connect('a', { clientId: 'b' })).rejects.toMatchObject({ code: 2 });
    await expect(connect('a', { clientId: 'a-2' })).rejects.toMatchObject({ code: 2 });
    await expect(connect('a', { username: 'A/B' })).rejects.toMatchObject({ code: 4 });
    expect(broker.stats.refusedConnections).toBe(5);
    expect(logs.some((l) => l.includes('refused node a') && l.includes('bad credentials'))).toBe(true);
    expect(connections).toEqual([]);
    await expect(connect('a', { clientId: 'a:debug' })).resolves.toBeTruthy();
  });

  it('refuses a client that does not trust the server CA', async () => {
    await expect(connect('a', { ca: otherCa })).rejects.toThrow(/certificate/i);
  });

  it('drops a publish to another node\'s topic: neither the server nor a subscriber sees it', async () => {
    const a = await connect('a');
    const b = await connect('b');
    const bGot: string[] = [];
    b.on('message', (t) => bGot.push(t));
    await b.subscribeAsync('kedge/v1/nodes/b/#', { qos: 1 });

    await a.publishAsync(topics.status('b'), 'forged', { qos: 1 });
    await a.publishAsync(topics.desired('a'), 'self-desired', { qos: 1, retain: true });
    await a.publishAsync('somewhere/else', 'x', { qos: 0 });
    await barrier(a, 'a', 'after-forgery');
    // b's own traffic, published after the forgery, arrives; the forgery never does
    const bSees = clientMessage(b, topics.desired('b'));
    await broker.publish(topics.desired('b'), 'from-server', { qos: 1, retain: false });
    await bSees;

    expect(messages.map((m) => m.payload)).toEqual(['after-forgery']);
    expect(bGot).toEqual([topics.desired('b')]);
    expect(broker.stats.deniedPublishes).toBe(3);
    expect(logs.some((l) => l.includes('node a') && l.includes(topics.status('b')))).toBe(true);
    expect(a.connected).toBe(true); // dropped, not disconnected

    // the refused retained "desired" was not stored either
    const a2 = await connect('a', { clientId: 'a:second' });
    const got: string[] = [];
    a2.on('message', (_t, p) => got.push(p.toString()));
    await a2.subscribeAsync(topics.desired('a'), { qos: 1 });
    await broker.publish(topics.desired('a'), 'marker', { qos: 1, retain: false });
    await new Promise<void>((r) => (got.length ? r() : a2.once('message', () => r())));
    expect(got).toEqual(['marker']);
  });

  it('refuses subscriptions outside the node\'s prefix with return code 128', async () => {
    const a = await connect('a');
    // mqtt.js rejects a SUBACK holding a failure code; the packet rides on the error
    const granted = await a
      .subscribeAsync({ [topics.desired('b')]: { qos: 1 }, '#': { qos: 1 }, 'kedge/#': { qos: 1 }, 'kedge/v1/nodes/+/desired': { qos: 1 }, [topics.desired('a')]: { qos: 1 } })
      .then(
        () => [] as number[],
        (e: { packet?: { granted?: number[] } }) => e.packet?.granted ?? [],
      );
    expect(granted).toEqual([128, 128, 128, 128, 1]);
    expect(broker.stats.deniedSubscriptions).toBe(4);

    const got: string[] = [];
    a.on('message', (t) => got.push(t));
    await broker.publish(topics.desired('b'), 'for b only', { qos: 1, retain: false });
    const mine = clientMessage(a, topics.desired('a'));
    await broker.publish(topics.desired('a'), 'for a', { qos: 1, retain: false });
    expect((await mine).payload).toBe('for a');
    expect(got).toEqual([topics.desired('a')]);
  });

  it('delivers the server\'s retained desired state to a node that subscribes later', async () => {
    await broker.publish(topics.desired('a'), '{"revision":1}', { qos: 1, retain: true });
    await broker.publish(topics.desired('a'), '{"revision":2}', { qos: 1, retain: true });
    const a = await connect('a');
    const got = clientMessage(a, topics.desired('a'));
    await a.subscribeAsync(topics.desired('a'), { qos: 1 });
    expect(await got).toEqual({ payload: '{"revision":2}', retain: true });
  });

  it('lets every node read the retained cluster messages, and none write them', async () => {
    await broker.publish(topics.clusterServices, '{"revision":3,"services":[]}', { qos: 1, retain: true });
    const a = await connect('a');
    const got = clientMessage(a, topics.clusterServices);
    await a.subscribeAsync('kedge/v1/cluster/#', { qos: 1 });
    expect(await got).toEqual({ payload: '{"revision":3,"services":[]}', retain: true });

    // A node's forgery (retained, even) reaches neither the server's handlers nor other nodes.
    const b = await connect('b');
    const bGot: string[] = [];
    b.on('message', (_t, p) => bGot.push(p.toString()));
    const retained = clientMessage(b, topics.clusterServices);
    await b.subscribeAsync(topics.clusterServices, { qos: 1 });
    expect((await retained).payload).toBe('{"revision":3,"services":[]}');
    await a.publishAsync(topics.clusterServices, '{"revision":99,"services":[]}', { qos: 1, retain: true });
    await barrier(a, 'a', 'after-cluster-forgery');
    expect(messages.map((m) => m.payload)).toEqual(['after-cluster-forgery']);
    expect(broker.stats.deniedPublishes).toBe(1);
    const next = clientMessage(b, topics.clusterServices);
    await broker.publish(topics.clusterServices, '{"revision":4,"services":[]}', { qos: 1, retain: true });
    expect((await next).payload).toBe('{"revision":4,"services":[]}');
    expect(bGot.filter((p) => p.includes('"revision":99'))).toEqual([]);
  });

  it('hands the last will to onNodeMessage when the socket drops without DISCONNECT', async () => {
    const a = await connect('a', { will: { topic: topics.online('a'), payload: Buffer.from('0'), qos: 1, retain: true } });
    const online = nodeMessage(topics.online('a'), '1');
    await a.publishAsync(topics.online('a'), '1', { qos: 1, retain: true });
    await online;

    const will = nodeMessage(topics.online('a'), '0');
    const gone = waitFor('connection', (n: string, c: boolean) => (n === 'a' && !c ? true : undefined));
    a.stream.destroy();
    expect(await will).toMatchObject({ node: 'a', kind: 'online', payload: '0' });
    await gone;
    expect(connections).toEqual([['a', true], ['a', false]]);

    // the will is retained like any retained publish
    const b = await connect('a', { clientId: 'a:watch' });
    const retained = clientMessage(b, topics.online('a'));
    await b.subscribeAsync(topics.online('a'));
    expect((await retained).payload).toBe('0');
  });

  it('does not publish the will on a clean disconnect', async () => {
    const a = await connect('a', { will: { topic: topics.online('a'), payload: Buffer.from('0'), qos: 1, retain: true } });
    const gone = waitFor('connection', (n: string, c: boolean) => (n === 'a' && !c ? true : undefined));
    await a.endAsync();
    await gone;
    expect(messages).toEqual([]);
  });

  it('drops a will aimed at another node', async () => {
    const a = await connect('a', { will: { topic: topics.online('b'), payload: Buffer.from('0'), qos: 1, retain: true } });
    const gone = waitFor('connection', (n: string, c: boolean) => (n === 'a' && !c ? true : undefined));
    a.stream.destroy();
    await gone;
    const b = await connect('b');
    await barrier(b, 'b', 'b-alive');
    expect(messages.map((m) => m.topic)).toEqual([topics.status('b')]);
    expect(broker.stats.deniedPublishes).toBe(1);
    // nothing was retained on b's topic: the first thing b sees there is the server's marker
    const first = clientMessage(b, topics.online('b'));
    await b.subscribeAsync(topics.online('b'), { qos: 1 });
    await broker.publish(topics.online('b'), 'marker', { qos: 1, retain: false });
    expect(await first).toEqual({ payload: 'marker', retain: false });
  });

  it('drops payloads over 256 KiB and keeps the connection', async () => {
    const a = await connect('a');
    await a.publishAsync(topics.pods('a'), Buffer.alloc(maxNodePayloadBytes + 1, 'x'), { qos: 1 });
    await a.publishAsync(topics.pods('a'), Buffer.alloc(maxNodePayloadBytes, 'y'), { qos: 1 });
    await barrier(a, 'a', 'after-big');
    expect(messages.map((m) => [m.kind, m.payload.length])).toEqual([
      ['pods', maxNodePayloadBytes],
      ['status', 'after-big'.length],
    ]);
    expect(broker.stats.oversizedPayloads).toBe(1);
    expect(logs.some((l) => l.includes('node a') && l.includes(`${maxNodePayloadBytes + 1} bytes`))).toBe(true);
  });

  it('disconnect(node) closes that node\'s connections only', async () => {
    const a = await connect('a');
    const a2 = await connect('a', { clientId: 'a:two' });
    const b = await connect('b');
    const closed = Promise.all([closedEvent(a), closedEvent(a2)]);
    const gone = waitFor('connection', (n: string, c: boolean) => (n === 'a' && !c ? true : undefined));
    broker.disconnect('a');
    await closed;
    await gone;
    expect(b.connected).toBe(true);
    expect(connections.filter(([n]) => n === 'a')).toEqual([['a', true], ['a', false]]);
    await barrier(b, 'b', 'still-here');
  });

  it('close() ends live connections and frees the port, without reporting them as outages', async () => {
    const a = await connect('a', { will: { topic: topics.online('a'), payload: Buffer.from('0'), qos: 1, retain: true } });
    const closed = closedEvent(a);
    const port = broker.port;
    await broker.close();
    await closed;
    expect(connections).toEqual([['a', true]]);
    expect(messages).toEqual([]);
    const probe = net.createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((r) => probe.close(r));
  });

  it('names the port when it cannot listen', async () => {
    await expect(
      startBroker({
        host: '127.0.0.1',
        port: broker.port,
        tls: { key: pki.keyPem, cert: pki.certPem },
        authenticate: () => true,
        onNodeMessage: () => {},
      }),
    ).rejects.toThrow(new RegExp(`--mqtt-port ${broker.port}: .*already in use`));
  });
});
