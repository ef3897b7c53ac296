import { describe, it, expect, afterEach, beforeAll } from 'vitest';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { topics } from '../shared/topics.js';
import { formatJoinToken } from '../shared/token.js';
import type { DesiredState, PodStatusReport } from '../shared/messages.js';
import { runAgent } from './run.js';
import { createFakeDriver } from './runtime/fake/driver.js';
import { makeTestPki, type TestPki } from './join/testing/pki.js';
import { startTestJoinServer } from './join/testing/join-server.js';
import { testPod } from './reconciler/testing/pod-fixtures.js';

interface Broker {
  url: string;
  published: { topic: string; payload: string; retain: boolean }[];
  publishRetained(topic: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

async function startBroker(): Promise<Broker> {
  const broker = await Aedes.createBroker();
  const published: Broker['published'] = [];
  broker.on('publish', (p) => {
    if (!p.topic.startsWith('$SYS')) published.push({ topic: p.topic, payload: p.payload.toString(), retain: p.retain });
  });
  const server = net.createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    published,
    publishRetained: (topic, payload) =>
      new Promise((r) => broker.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: true, dup: false }, () => r())),
    close: async () => {
      for (const c of Object.values((broker as unknown as { clients: Record<string, { conn: net.Socket }> }).clients)) c.conn.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}

async function until(cond: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let pki: TestPki;
beforeAll(async () => {
  pki = makeTestPki(await mkdtemp(join(tmpdir(), 'kedge-pki-')));
});
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const image = 'docker.io/library/busybox:1.36';

describe('runAgent', () => {
  it('joins, runs the desired pods, reports them, and comes back from its cache with the server gone', async () => {
    const broker = await startBroker();
    const server = await startTestJoinServer(pki, { mqttUrl: broker.url });
    const dataDir = join(await mkdtemp(join(tmpdir(), 'kedge-agent-')), 'agent');
    const token = formatJoinToken(pki.caPem, 'abcdefghijklmnop0123');
    const desired: DesiredState = { node: 'edge-1', revision: 3, pods: [testPod('web', { containers: [{ name: 'main', image: 'busybox:1.36' }] })] };
    await broker.publishRetained(topics.desired('edge-1'), JSON.stringify(desired));

    const driver = createFakeDriver();
    driver.images.add(image);
    const logs: string[] = [];
    const cfg = { server: server.url, token, nodeName: 'edge-1', dataDir, nodeLabels: { zone: 'a' }, heartbeatMs: 50, log: (m: string) => logs.push(m) };
    // The fake runtime runs no real containers: pods on the node's network.
    const agent = await runAgent(cfg, { driver, podNetwork: null });
    expect(agent.nodeName).toBe('edge-1');
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);

    await until(() => driver.containers.get('uid-web-main')?.task?.status === 'running');
    const spec = driver.containers.get('uid-web-main')!.spec;
    expect(spec.logPath).toBe(join(dataDir, 'logs', 'default_web_uid-web', 'main', '0.log'));
    const podReports = () => broker.published.filter((p) => p.topic === topics.pods('edge-1')).map((p) => JSON.parse(p.payload) as PodStatusReport);
    await until(() => podReports().some((r) => r.pods.some((p) => p.name === 'web' && p.status.phase === 'Running')));
    await until(() => broker.published.some((p) => p.topic === topics.status('edge-1')));
    const hb = JSON.parse(broker.published.find((p) => p.topic === topics.status('edge-1'))!.payload);
    expect(hb.labels).toMatchObject({ zone: 'a', 'kubernetes.io/hostname': 'edge-1' });
    expect(hb.containerRuntimeVersion).toBe('fake 1.0.0');
    await until(async () => (await readFile(join(dataDir, 'desired.json'), 'utf8').catch(() => '')).includes('"revision":3'));

    await agent.stop();
    expect(broker.published.filter((p) => p.topic === topics.online('edge-1')).at(-1)).toMatchObject({ payload: '0', retain: true });
    expect(driver.containers.get('uid-web-main')!.task?.status).toBe('running');
    expect(driver.calls.filter((c) => c.startsWith('stop') || c.startsWith('remove'))).toEqual([]);

    // Reboot with the server and broker gone: saved credentials + cached desired state bring the pod back.
    await server.close();
    await broker.close();
    const rebooted = createFakeDriver();
    rebooted.images.add(image);
    const again = await runAgent({ ...cfg, log: (m) => logs.push(m) }, { driver: rebooted, podNetwork: null });
    cleanups.push(() => again.stop());
    await until(() => rebooted.containers.get('uid-web-main')?.task?.status === 'running');
    expect(logs.join('\n')).toMatch(/using saved credentials/);
    expect(logs.join('\n')).toMatch(/cached desired state \(revision 3, 1 pods\)/);
  });

  it('leaves no timers or sockets behind after stop()', async () => {
    const broker = await startBroker();
    cleanups.push(() => broker.close());
    const server = await startTestJoinServer(pki, { mqttUrl: broker.url });
    const dataDir = await mkdtemp(join(tmpdir(), 'kedge-agent-'));
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TCPSocketWrap').length;
    const agent = await runAgent(
      { server: server.url, token: formatJoinToken(pki.caPem, 'abcdefghijklmnop0123'), nodeName: 'edge-2', dataDir, nodeLabels: {}, heartbeatMs: 30, log: () => undefined },
      { driver: createFakeDriver(), podNetwork: null },
    );
    await until(() => broker.published.some((p) => p.topic === topics.status('edge-2')));
    await agent.stop();
    await server.close(); // also drops the HTTPS keep-alive connection of the join
    await new Promise((r) => setTimeout(r, 50));
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TCPSocketWrap').length;
    expect(after).toBeLessThanOrEqual(before);
  });

  it('refuses to start with a malformed token, naming the flag', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kedge-agent-'));
    await expect(runAgent({ server: 'https://127.0.0.1:1', token: 'nope', nodeName: 'edge-1', dataDir, nodeLabels: {}, log: () => undefined }, { driver: createFakeDriver(), podNetwork: null })).rejects.toThrow(/--token/);
  });
});
