import { rmSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../shared/client.js';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { topics } from '../../shared/topics.js';
import { tempDir, waitFor } from './cluster.js';
import { startServerOnly, type ServerOnly } from './server-only.js';
import { connectSim, joinSimNode, simReport, startSimNode, type SimCredentials, type SimNode } from './sim-node.js';

const skip = process.platform !== 'linux' ? 'needs Linux' : null;

const heartbeatOf = (n: Node) => n.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime;
const readyOf = (n: Node) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;

describe.skipIf(skip !== null)(`rogue nodes and bad clients get nothing through the broker${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const dir = tempDir('rogue');
  let s: ServerOnly;
  let victim: SimNode;
  let rogueCreds: SimCredentials;
  let rogue: MqttClient;
  let pod: Pod;
  const opened: MqttClient[] = [];

  beforeAll(async () => {
    s = await startServerOnly(join(dir, 'server'));
    const victimCreds = await joinSimNode(s.url, s.ca, s.joinToken, 'victim');
    rogueCreds = await joinSimNode(s.url, s.ca, s.joinToken, 'rogue');
    victim = await startSimNode(victimCreds, 300);
    rogue = await connectSim(rogueCreds);
    opened.push(rogue);
    await waitFor('victim Ready', async () => readyOf(await s.client.get<Node>('Node', undefined, 'victim')) === 'True', 15_000);
    // A pod on the victim, with a status only the victim may change.
    pod = await s.client.create<Pod>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'payroll', namespace: 'default' }, spec: { nodeName: 'victim', containers: [{ name: 'c', image: 'busybox' }] } });
    await victim.client.publishAsync(topics.pods('victim'), JSON.stringify({ node: 'victim', pods: [{ namespace: 'default', name: 'payroll', uid: pod.metadata.uid, status: { phase: 'Running' } }] }), { qos: 1 });
    pod = await waitFor('the victim reports its pod Running', async () => {
      const p = await s.client.get<Pod>('Pod', 'default', 'payroll');
      return p.status?.phase === 'Running' ? p : undefined;
    }, 10_000);
  });

  afterAll(async () => {
    await Promise.all(opened.map((c) => c.endAsync(true).catch(() => undefined)));
    await victim?.stop();
    await s?.proc.stop();
    if (!process.env.KEEP_E2E) rmSync(dir, { recursive: true, force: true });
  });

  it('forged status, pod status, online flag and desired state from a node with valid credentials change nothing', async () => {
    const nodeBefore = await s.client.get<Node>('Node', undefined, 'victim');
    const forgedReport = { ...simReport('victim'), memory: { total: 1, available: 424242 }, labels: { 'kubernetes.io/hostname': 'victim', owned: 'yes' } };
    const forgedPods = (node: string) => JSON.stringify({ node, full: true, pods: [{ namespace: 'default', name: 'payroll', uid: pod.metadata.uid, status: { phase: 'Failed', reason: 'Forged' } }] });

    // To its own prefix, naming the victim in the payload …
    await rogue.publishAsync(topics.status('rogue'), JSON.stringify(forgedReport), { qos: 1 });
    await rogue.publishAsync(topics.pods('rogue'), forgedPods('victim'), { qos: 1 });
    await rogue.publishAsync(topics.pods('rogue'), forgedPods('rogue'), { qos: 1 }); // its own name, the victim's pod
    // … and to the victim's prefix.
    await rogue.publishAsync(topics.status('victim'), JSON.stringify(forgedReport), { qos: 1 });
    await rogue.publishAsync(topics.pods('victim'), forgedPods('victim'), { qos: 1 });
    await rogue.publishAsync(topics.online('victim'), '0', { qos: 1, retain: true });
    await rogue.publishAsync(topics.desired('victim'), JSON.stringify({ node: 'victim', revision: 1e9, pods: [] }), { qos: 1, retain: true });
    await rogue.publishAsync(topics.desired('rogue'), JSON.stringify({ node: 'rogue', revision: 1e9, pods: [pod] }), { qos: 1, retain: true });
    // Reading someone else's desired state (it may hold Secrets) is refused too.
    const granted = await rogue.subscribeAsync({ [topics.desired('victim')]: { qos: 1 }, 'kedge/v1/nodes/+/desired': { qos: 1 }, '#': { qos: 0 } }).then(
      () => [] as number[],
      (e: { packet?: { granted?: number[] } }) => e.packet?.granted ?? [],
    );
    expect(granted).toEqual([128, 128, 128]);

    // Everything above went out before this: once the server has seen the rogue's own heartbeat, it has seen (and dropped) the rest.
    await rogue.publishAsync(topics.status('rogue'), JSON.stringify(simReport('rogue')), { qos: 1 });
    await waitFor('the rogue heartbeat', async () => readyOf(await s.client.get<Node>('Node', undefined, 'rogue')) === 'True', 10_000);
    await new Promise((r) => setTimeout(r, 500));

    const nodeAfter = await s.client.get<Node>('Node', undefined, 'victim');
    expect(nodeAfter.metadata.resourceVersion).toBe(nodeBefore.metadata.resourceVersion);
    expect(readyOf(nodeAfter)).toBe('True');
    expect(nodeAfter.metadata.labels?.owned).toBeUndefined();
    expect(nodeAfter.metadata.annotations?.['kedge.io/memory-available']).not.toBe('424242');
    const podAfter = await s.client.get<Pod>('Pod', 'default', 'payroll');
    expect(podAfter.metadata.resourceVersion).toBe(pod.metadata.resourceVersion);
    expect(podAfter.status?.phase).toBe('Running');

    // The victim, subscribing afresh, finds no forged retained state; the rogue's own forged desired is gone too.
    const probe = await connectSim({ ...rogueCreds }, { clientId: 'rogue:probe', will: false });
    opened.push(probe);
    const retained: string[] = [];
    probe.on('message', (t, p) => retained.push(`${t} ${p.toString().slice(0, 40)}`));
    await probe.subscribeAsync(topics.desired('rogue'), { qos: 1 });
    await new Promise((r) => setTimeout(r, 500));
    expect(retained.filter((m) => m.includes('1000000000'))).toEqual([]);

    const out = s.proc.output();
    expect(out).toMatch(/dropped status message from node rogue: forged: report names node victim/);
    expect(out).toMatch(/dropped pods message from node rogue: forged/);
    expect(out).toMatch(/node rogue reported pod default\/payroll which is bound to victim; ignored/);
    expect(out).toMatch(/mqtt: dropped a publish from node rogue to kedge\/v1\/nodes\/victim\/status: outside its own topic prefix/);
    expect(out).toMatch(/mqtt: refused a subscription of node rogue to kedge\/v1\/nodes\/victim\/desired/);
  });

  it('a flood of 10,000 messages from one node is cut to its rate; the other node\'s heartbeats still land promptly', async () => {
    const before = Date.now();
    let sent = 0;
    const payload = JSON.stringify(simReport('rogue'));
    const flood = (async () => {
      for (let i = 0; i < 10_000; i++) {
        rogue.publish(topics.status('rogue'), payload, { qos: 0 });
        sent++;
        if (i % 500 === 0) await new Promise((r) => setImmediate(r));
      }
    })();
    // While the flood is being handled, the victim's heartbeat (every 300 ms) keeps its node fresh.
    const seen = await waitFor('a victim heartbeat newer than the flood', async () => {
      const hb = heartbeatOf(await s.client.get<Node>('Node', undefined, 'victim'));
      return hb && Date.parse(hb) >= before ? Date.parse(hb) : undefined;
    }, 5000, 50);
    expect(seen - before).toBeLessThan(3000); // heartbeats come every 300 ms; the flood must not hold them up for long
    await flood;
    expect(sent).toBe(10_000);
    await waitFor('the rate-limit log line', () => /mqtt: node rogue exceeds 50 messages\/s \(burst 100\)/.test(s.proc.output()), 10_000);
    expect(s.proc.output().match(/node rogue exceeds/g)).toHaveLength(1); // logged once, not 9,900 times
    expect(rogue.connected).toBe(true);
    expect(readyOf(await s.client.get<Node>('Node', undefined, 'victim'))).toBe('True');
    // Once the flood is over (and its backlog handled), the node's own messages pass again.
    const calm = JSON.stringify({ ...simReport('rogue'), cpu: { count: 4, model: 'A72', load1: 0.4242 } });
    await waitFor('the rogue node to be heard again after its flood', async () => {
      rogue.publish(topics.status('rogue'), calm, { qos: 0 });
      return (await s.client.get<Node>('Node', undefined, 'rogue')).metadata.annotations?.['kedge.io/load1'] === '0.4242';
    }, 15_000, 500);
  });

  it('an oversized message is dropped; a packet header announcing 200 MB closes the connection before the body arrives', async () => {
    const big = await connectSim(rogueCreds, { clientId: 'rogue:big', will: false });
    opened.push(big);
    await big.publishAsync(topics.pods('rogue'), Buffer.alloc(300 * 1024, 'x'), { qos: 1 });
    expect(big.connected).toBe(true);
    await waitFor('the oversized-payload log line', () => /dropped a publish from node rogue to kedge\/v1\/nodes\/rogue\/pods: payload of 307200 bytes exceeds 262144/.test(s.proc.output()), 5000);

    const closed = new Promise<void>((r) => big.stream.once('close', () => r()));
    big.stream.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x60])); // PUBLISH, remaining length 201,326,592
    await closed;
    await waitFor('the oversized-packet log line', () => /mqtt: closed the connection of node rogue: a packet of 201326592 bytes exceeds/.test(s.proc.output()), 5000);
    expect(readyOf(await s.client.get<Node>('Node', undefined, 'victim'))).toBe('True');
  });

  it('clients without credentials, with a wrong password or another node\'s client id are refused', async () => {
    const url = `mqtts://127.0.0.1:${s.mqttPort}`;
    const attempt = (o: mqtt.IClientOptions) => mqtt.connectAsync(url, { ca: s.ca, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...o }).then(
      async (c) => {
        await c.endAsync(true);
        return 'connected';
      },
      (e: { code?: number }) => e.code,
    );
    expect(await attempt({ clientId: 'anonymous' })).toBe(4);
    expect(await attempt({ clientId: 'victim', username: 'victim', password: 'guess' })).toBe(5);
    expect(await attempt({ clientId: 'victim', username: 'rogue', password: rogueCreds.password })).toBe(2);
    expect(await attempt({ clientId: 'x', username: 'kedge/#', password: 'x' })).toBe(4);
    // Without the CA the broker's certificate is not trusted; a raw TLS client sending junk is just closed.
    await expect(mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000 })).rejects.toThrow(/certificate/i);
    const raw = tls.connect({ host: '127.0.0.1', port: s.mqttPort, ca: s.ca });
    await new Promise<void>((r) => raw.once('secureConnect', () => r()));
    const rawClosed = new Promise<void>((r) => raw.once('close', () => r()));
    raw.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await rawClosed;
    expect(readyOf(await s.client.get<Node>('Node', undefined, 'victim'))).toBe('True');
    expect(await s.client.get('Node', undefined, 'anonymous').catch(() => null)).toBeNull();
  });

  it('join tokens: an extra token works until deleted or expired; after a rotate the old bootstrap token is refused', async () => {
    const joinWith = (token: string, nodeName: string) =>
      createApiClient({ server: s.url, ca: s.ca, token, timeoutMs: 5000 })
        .request('POST', '/kedge/v1/join', { nodeName, nodePassword: 'p'.repeat(32) })
        .then(() => 200, (e: { status?: number }) => e.status);
    const made = await s.client.request<{ id: string; token: string }>('POST', '/kedge/v1/tokens', { description: 'rack 2' });
    expect(await joinWith(made.token, 'tok-a')).toBe(200);
    await s.client.request('DELETE', `/kedge/v1/tokens/${made.id}`);
    expect(await joinWith(made.token, 'tok-a')).toBe(401);

    const brief = await s.client.request<{ token: string }>('POST', '/kedge/v1/tokens', { ttlSeconds: 1 });
    await new Promise((r) => setTimeout(r, 1200));
    expect(await joinWith(brief.token, 'tok-b')).toBe(401);

    const old = s.joinToken;
    const rotated = await s.client.request<{ token: string }>('POST', '/kedge/v1/tokens/rotate');
    expect(await joinWith(old, 'tok-c')).toBe(401);
    expect(await joinWith(rotated.token, 'tok-c')).toBe(200);
    s.joinToken = rotated.token;
    expect(await s.client.get('Node', undefined, 'tok-b').catch(() => null)).toBeNull(); // the expired token registered nothing
  });

  it('the join endpoint refuses wrong tokens and, past its burst, answers 429 for that address', async () => {
    const join = (token: string) =>
      createApiClient({ server: s.url, ca: s.ca, token, timeoutMs: 5000 })
        .request('POST', '/kedge/v1/join', { nodeName: 'intruder', nodePassword: 'p'.repeat(32) })
        .then(() => 200, (e: { status?: number }) => e.status);
    const wrong = s.joinToken.replace(/::node:.*/, `::node:${'0'.repeat(64)}`);
    expect(await join(wrong)).toBe(401);
    expect(await join('')).toBe(401);
    const codes: (number | undefined)[] = [];
    for (let i = 0; i < 25; i++) codes.push(await join(wrong));
    expect(codes).toContain(429); // 2 sim joins + 5 token joins + 2 above + these, from 127.0.0.1: the burst of 20 runs out
    expect(codes.filter((c) => c !== 401 && c !== 429)).toEqual([]);
    expect(await join(s.joinToken)).toBe(429); // even the right token waits its turn
    expect(await s.client.get('Node', undefined, 'intruder').catch(() => null)).toBeNull();
  });
});
