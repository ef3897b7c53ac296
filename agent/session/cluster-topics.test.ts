import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterNetwork, ClusterServices } from '../../shared/cluster-network.js';
import { topics } from '../../shared/topics.js';
import { createSession } from './session.js';
import { publishRetained, startBroker, until, type TestBroker } from './testing/broker.js';

const network: ClusterNetwork = {
  revision: 4,
  clusterCIDR: '10.42.0.0/16',
  serviceCIDR: '10.43.0.0/16',
  clusterDNS: '10.43.0.10',
  clusterDomain: 'cluster.local',
  backend: 'vxlan',
  nodePortRange: { min: 30000, max: 32767 },
  nodes: [{ name: 'edge-1', podCIDR: '10.42.0.0/24', internalIP: '192.0.2.1' }],
};

const services: ClusterServices = {
  revision: 9,
  services: [
    {
      namespace: 'default',
      name: 'web',
      type: 'ClusterIP',
      clusterIP: '10.43.0.20',
      ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
      endpoints: [{ ip: '10.42.0.5', nodeName: 'edge-1', podUID: 'u1', ready: true, ports: { http: 8080 } }],
    },
  ],
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function session(b: TestBroker, handlers: { network?: (n: ClusterNetwork) => void; services?: (s: ClusterServices) => void } = {}) {
  const got = { networks: [] as ClusterNetwork[], services: [] as ClusterServices[], logs: [] as string[] };
  const s = createSession({
    nodeName: 'edge-1',
    credentials: { url: b.url, username: 'edge-1', password: 'pw' },
    heartbeatMs: 60_000,
    report: async () => {
      throw new Error('no report in this test');
    },
    podStatuses: () => [],
    onDesired: () => undefined,
    onClusterNetwork: handlers.network ?? ((n) => got.networks.push(n)),
    onClusterServices: handlers.services ?? ((m) => got.services.push(m)),
    log: (m) => got.logs.push(m),
  });
  cleanups.push(() => s.close());
  return { s, ...got };
}

describe('MQTT session: the cluster topics', () => {
  it('receives the retained cluster network and services messages on connect', async () => {
    const b = await startBroker();
    cleanups.push(() => b.close());
    await publishRetained(b, topics.clusterNetwork, JSON.stringify(network));
    await publishRetained(b, topics.clusterServices, JSON.stringify(services));
    const got = session(b);
    await until(() => got.networks.length === 1 && got.services.length === 1);
    expect(got.networks[0]).toEqual(network);
    expect(got.services[0]).toEqual(services);
  });

  it('drops invalid messages with a log line naming the field, and takes the next good one', async () => {
    const b = await startBroker();
    cleanups.push(() => b.close());
    const got = session(b);
    await until(() => got.s.connected);
    await new Promise((r) => setTimeout(r, 50)); // let the subscriptions settle
    await publishRetained(b, topics.clusterNetwork, '{"revision":');
    await publishRetained(b, topics.clusterNetwork, JSON.stringify({ ...network, backend: 'udp' }));
    await publishRetained(b, topics.clusterServices, JSON.stringify({ revision: 1, services: [{ name: 'x' }] }));
    await publishRetained(b, topics.clusterServices, '');
    await publishRetained(b, topics.clusterNetwork, JSON.stringify({ ...network, revision: 5 }));
    await until(() => got.networks.length === 1);
    expect(got.networks[0]!.revision).toBe(5);
    expect(got.services).toEqual([]);
    const text = got.logs.join('\n');
    expect(text).toMatch(/cluster network message dropped: not JSON/);
    expect(text).toMatch(/cluster network message dropped: invalid \(backend: /);
    expect(text).toMatch(/cluster services message dropped: invalid \(services\[0\]\.namespace: /);
    expect(text).toMatch(/cluster services message: empty retained message ignored/);
  });

  it('survives a handler that throws and logs it with the revision', async () => {
    const b = await startBroker();
    cleanups.push(() => b.close());
    await publishRetained(b, topics.clusterServices, JSON.stringify(services));
    const got = session(b, {
      services: () => {
        throw new Error('disk full');
      },
    });
    await until(() => got.logs.some((l) => l.includes('cluster services revision 9: disk full')));
    await publishRetained(b, topics.clusterNetwork, JSON.stringify(network));
    await until(() => got.networks.length === 1);
    expect(got.s.connected).toBe(true);
  });
});
