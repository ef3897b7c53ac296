import { describe, it, expect, afterEach } from 'vitest';
import net from 'node:net';
import { topics } from '../../shared/topics.js';
import type { DesiredState, NodeReport, PodStatusReport } from '../../shared/messages.js';
import { createSession, type Session } from './session.js';
import { reconnectDelay } from './backoff.js';
import { publishRetained, startBroker, until, type TestBroker } from './testing/broker.js';

const report = async (): Promise<NodeReport> => ({
  node: 'edge-1',
  time: new Date().toISOString(),
  agentVersion: '0',
  arch: 'arm64',
  os: 'linux',
  kernel: '6',
  osImage: 'x',
  hostname: 'pi',
  addresses: ['127.0.0.1'],
  containerRuntimeVersion: 'fake',
  cpu: { count: 4, model: 'pi', load1: 0.1 },
  memory: { total: 1, available: 1 },
  disk: { total: 1, free: 1 },
  labels: {},
});

const pods: PodStatusReport['pods'] = [{ namespace: 'default', name: 'web', uid: 'u1', status: { phase: 'Running' } }];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function session(b: TestBroker, extra: Partial<Parameters<typeof createSession>[0]> = {}) {
  const desired: DesiredState[] = [];
  const logs: string[] = [];
  const s: Session = createSession({
    nodeName: 'edge-1',
    credentials: { url: b.url, username: 'edge-1', password: 'pw' },
    heartbeatMs: 40,
    report,
    podStatuses: () => pods,
    onDesired: (d) => desired.push(d),
    log: (m) => logs.push(m),
    backoff: { initialMs: 20, maxMs: 100 },
    ...extra,
  });
  cleanups.push(() => s.close());
  return { s, desired, logs };
}

describe('reconnectDelay', () => {
  it('grows from 1 s to 6 s with jitter between half and all of the base', () => {
    expect(reconnectDelay(0, () => 0)).toBe(500);
    expect(reconnectDelay(0, () => 1)).toBe(1000);
    expect(reconnectDelay(2, () => 1)).toBe(4000);
    expect(reconnectDelay(10, () => 1)).toBe(6000);
    expect(reconnectDelay(100, () => 0)).toBe(3000);
  });
});

describe('MQTT session', () => {
  it('goes online, sends the full pod set and heartbeats, receives the retained desired state', async () => {
    const b = await startBroker();
    cleanups.push(() => b.close());
    const state: DesiredState = { node: 'edge-1', revision: 7, pods: [] };
    await publishRetained(b, topics.desired('edge-1'), JSON.stringify(state));
    const { s, desired } = session(b);
    await until(() => desired.length === 1 && b.published.filter((p) => p.topic === topics.status('edge-1')).length >= 2);
    expect(s.connected).toBe(true);
    expect(desired[0]).toEqual(state);
    const online = b.published.find((p) => p.topic === topics.online('edge-1'));
    expect(online).toMatchObject({ payload: '1', retain: true, qos: 1, client: 'edge-1' });
    const full = b.published.find((p) => p.topic === topics.pods('edge-1'))!;
    expect(JSON.parse(full.payload)).toEqual({ node: 'edge-1', full: true, pods });
    expect(full.qos).toBe(1);
    const hb = b.published.find((p) => p.topic === topics.status('edge-1'))!;
    expect(hb.qos).toBe(0);
    expect(JSON.parse(hb.payload).node).toBe('edge-1');

    s.publishPods([{ namespace: 'default', name: 'web', uid: 'u1', status: { phase: 'Failed' } }]);
    await until(() => b.published.some((p) => p.topic === topics.pods('edge-1') && !JSON.parse(p.payload).full));

    await s.close();
    const last = b.published.filter((p) => p.topic === topics.online('edge-1')).at(-1);
    expect(last).toMatchObject({ payload: '0', retain: true });
  });

  it('drops invalid desired states with a log line naming the field, and keeps going', async () => {
    const b = await startBroker();
    cleanups.push(() => b.close());
    const { desired, logs } = session(b);
    await until(() => b.published.some((p) => p.topic === topics.online('edge-1')));
    await new Promise((r) => setTimeout(r, 50)); // let the subscription settle
    await publishRetained(b, topics.desired('edge-1'), '{not json');
    await publishRetained(b, topics.desired('edge-1'), JSON.stringify({ node: 'edge-1', revision: 'x', pods: [] }));
    await publishRetained(b, topics.desired('edge-1'), JSON.stringify({ node: 'edge-2', revision: 1, pods: [] }));
    await publishRetained(b, topics.desired('edge-1'), JSON.stringify({ node: 'edge-1', revision: 2, pods: [] }));
    await until(() => desired.length === 1);
    expect(desired[0]!.revision).toBe(2);
    const text = logs.join('\n');
    expect(text).toMatch(/desired state for node edge-1 dropped: not JSON/);
    expect(text).toMatch(/desired state for node edge-1 dropped: invalid \(revision: /);
    expect(text).toMatch(/it is for node edge-2/);
  });

  it('reconnects after the broker comes back and sends the full pod set again', async () => {
    const b = await startBroker();
    const { s } = session(b);
    await until(() => s.connected);
    const port = b.port;
    await b.close();
    await until(() => !s.connected);
    await new Promise((r) => setTimeout(r, 150)); // a few failed attempts
    const b2 = await startBroker({ port });
    cleanups.push(() => b2.close());
    await until(() => s.connected && b2.published.some((p) => p.topic === topics.pods('edge-1')));
    expect(JSON.parse(b2.published.find((p) => p.topic === topics.pods('edge-1'))!.payload).full).toBe(true);
    expect(b2.published.find((p) => p.topic === topics.online('edge-1'))?.payload).toBe('1');
  });

  it('asks to re-join when the broker refuses the credentials, then uses the new ones', async () => {
    const b = await startBroker({ password: 'new-pw' });
    cleanups.push(() => b.close());
    let rejoins = 0;
    const { s, logs } = session(b, {
      onNotAuthorized: async () => {
        rejoins++;
        return { url: b.url, username: 'edge-1', password: 'new-pw' };
      },
    });
    await until(() => s.connected);
    expect(rejoins).toBe(1);
    expect(logs.join('\n')).toMatch(/refused node edge-1's credentials; joining again/);
  });

  it('the broker publishes the last will "0" when the connection dies', async () => {
    const b = await startBroker();
    cleanups.push(() => b.close());
    const { s } = session(b, { backoff: { initialMs: 5000, maxMs: 5000 } });
    await until(() => s.connected);
    const clients = (b.broker as unknown as { clients: Record<string, { conn: net.Socket }> }).clients;
    clients['edge-1']!.conn.destroy();
    await until(() => b.published.filter((p) => p.topic === topics.online('edge-1')).at(-1)?.payload === '0');
  });
});
