import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { desiredStateSchema, type DesiredState } from '../../shared/messages.js';
import { topics } from '../../shared/topics.js';
import { formatJoinToken } from '../../shared/token.js';
import { makeTestPki, type TestPki } from '../join/testing/pki.js';
import { startTestJoinServer } from '../join/testing/join-server.js';
import { testPod } from '../reconciler/testing/pod-fixtures.js';
import { runAgent } from '../run.js';
import { createFakeDriver } from '../runtime/fake/driver.js';
import { createDesiredCache } from './desired.js';

const state = (revision: number, pods = ['web']): DesiredState => ({
  node: 'edge-1',
  revision,
  pods: pods.map((p) => testPod(p, { containers: [{ name: 'main', image: 'busybox:1.36' }] })),
});

async function until(cond: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A plain MQTT broker holding the node's retained desired state, and the join server pointing at it. */
async function startServer(pki: TestPki, desired: DesiredState) {
  const broker = await Aedes.createBroker();
  const tcp = net.createServer(broker.handle);
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  const url = `mqtt://127.0.0.1:${(tcp.address() as AddressInfo).port}`;
  await new Promise<void>((r) => broker.publish({ cmd: 'publish', topic: topics.desired('edge-1'), payload: Buffer.from(JSON.stringify(desired)), qos: 1, retain: true, dup: false }, () => r()));
  const join = await startTestJoinServer(pki, { mqttUrl: url });
  return {
    url: join.url,
    async close() {
      await join.close();
      for (const c of Object.values((broker as unknown as { clients: Record<string, { conn: net.Socket }> }).clients)) c.conn.destroy();
      await new Promise<void>((r) => tcp.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}

let pki: TestPki;
beforeAll(async () => {
  pki = makeTestPki(await mkdtemp(join(tmpdir(), 'kedge-pki-')));
});
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a corrupt or truncated desired-state cache', () => {
  it('is rewritten from the server even when the server has the same revision as the backup', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kedge-cache-'));
    const c = createDesiredCache({ dataDir: dir });
    await c.save(state(1));
    await c.save(state(2));
    await writeFile(c.path, '{"node":"edge-1","revis'); // torn write of revision 3 … or bit rot
    const again = createDesiredCache({ dataDir: dir, log: () => undefined });
    expect((await again.load())?.revision).toBe(1); // the backup
    expect(await again.save(state(1))).toBe(true);
    expect(desiredStateSchema.parse(JSON.parse(await readFile(c.path, 'utf8'))).revision).toBe(1);
    expect(await again.save(state(1))).toBe(false); // and then writes stop again
  });

  it.each([
    ['truncated', (full: string) => full.slice(0, Math.floor(full.length / 3))],
    ['garbage', () => '\u0000\u00ff\u00fe not json at all'],
    ['valid JSON of the wrong shape', () => JSON.stringify({ node: 'edge-1', revision: 'three', pods: {} })],
    ['empty', () => ''],
  ])('(%s, backup too) does not crash the agent and is replaced from the server', async (_what, spoil) => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'kedge-agent-')), 'agent');
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const good = JSON.stringify(state(3));
    await writeFile(join(dataDir, 'desired.json'), spoil(good), { mode: 0o600 });
    await writeFile(join(dataDir, 'desired.json.bak'), spoil(good), { mode: 0o600 });

    const server = await startServer(pki, state(4, ['web', 'api']));
    cleanups.push(() => server.close());
    const driver = createFakeDriver();
    driver.images.add('docker.io/library/busybox:1.36');
    const logs: string[] = [];
    const agent = await runAgent(
      { server: server.url, token: formatJoinToken(pki.caPem, 'abcdefghijklmnop0123'), nodeName: 'edge-1', dataDir, nodeLabels: {}, heartbeatMs: 1000, log: (m) => logs.push(m) },
      // The fake runtime runs no real containers: pods on the node's network.
      { driver, podNetwork: null },
    );
    cleanups.push(() => agent.stop());

    await until(() => ['uid-web-main', 'uid-api-main'].every((id) => driver.containers.get(id)?.task?.status === 'running'));
    await until(async () => (await readFile(join(dataDir, 'desired.json'), 'utf8').catch(() => '')).includes('"revision":4'));
    const saved = desiredStateSchema.parse(JSON.parse(await readFile(join(dataDir, 'desired.json'), 'utf8')));
    expect(saved.pods.map((p) => p.metadata.name)).toEqual(['web', 'api']);
    expect(logs.join('\n')).toMatch(/desired-state cache: .*desired\.json (is corrupt or truncated|is not a valid desired state)/);
    expect(logs.join('\n')).not.toMatch(/starting from the cached desired state/);
  });
});
