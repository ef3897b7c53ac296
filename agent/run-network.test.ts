import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterNetwork, ClusterServices } from '../shared/cluster-network.js';
import type { NodeReport } from '../shared/messages.js';
import { formatJoinToken } from '../shared/token.js';
import { topics } from '../shared/topics.js';
import { makeTestPki, type TestPki } from './join/testing/pki.js';
import { startTestJoinServer } from './join/testing/join-server.js';
import { fakeNetTools } from './network/node/testing/tools.js';
import { createFakePodNetwork } from './network/pod/testing/fake-pod-network.js';
import { fakeDns, fakeRouter } from './network/testing/fakes.js';
import { testPod } from './reconciler/testing/pod-fixtures.js';
import { runAgent } from './run.js';
import { createFakeDriver } from './runtime/fake/driver.js';
import { publishRetained, startBroker, until } from './session/testing/broker.js';

const network: ClusterNetwork = {
  revision: 12,
  clusterCIDR: '10.42.0.0/16',
  serviceCIDR: '10.43.0.0/16',
  clusterDNS: '10.43.0.10',
  clusterDomain: 'cluster.local',
  backend: 'host-gw',
  nodePortRange: { min: 30000, max: 32767 },
  nodes: [
    { name: 'edge-1', podCIDR: '10.42.1.0/24', internalIP: '192.0.2.11' },
    { name: 'edge-2', podCIDR: '10.42.2.0/24', internalIP: '192.0.2.12' },
  ],
};
const services: ClusterServices = {
  revision: 30,
  services: [
    {
      namespace: 'default',
      name: 'web',
      type: 'ClusterIP',
      clusterIP: '10.43.0.20',
      ports: [{ name: '', protocol: 'TCP', port: 80 }],
      endpoints: [{ ip: '10.42.1.2', nodeName: 'edge-1', podUID: 'uid-web', ready: true, ports: { '': 80 } }],
    },
  ],
};

let pki: TestPki;
beforeAll(async () => {
  pki = makeTestPki(await mkdtemp(join(tmpdir(), 'kedge-pki-')));
});
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const applied = (commands: string[]) => commands.filter((c) => c.startsWith('ip -batch -')).join('\n');

describe('runAgent: the node network', () => {
  it('routes from the cluster messages, attaches pods once the node has its pod range, feeds the Service rules and the DNS, and after a restart with the server gone does it from its cache before it returns', async () => {
    const broker = await startBroker();
    const server = await startTestJoinServer(pki, { mqttUrl: broker.url });
    await publishRetained(broker, topics.desired('edge-1'), JSON.stringify({ node: 'edge-1', revision: 1, pods: [testPod('web')] }));
    await publishRetained(broker, topics.clusterNetwork, JSON.stringify(network));
    await publishRetained(broker, topics.clusterServices, JSON.stringify(services));
    const dataDir = join(await mkdtemp(join(tmpdir(), 'kedge-agent-')), 'agent');
    const logs: string[] = [];
    const cfg = {
      server: server.url,
      token: formatJoinToken(pki.caPem, 'abcdefghijklmnop0123'),
      nodeName: 'edge-1',
      dataDir,
      nodeIP: '192.0.2.11',
      nodeLabels: {},
      heartbeatMs: 50,
      log: (m: string) => logs.push(m),
    };
    const tools = fakeNetTools('192.0.2.11');
    const dns = fakeDns();
    const router = fakeRouter();
    const pods = createFakePodNetwork();
    const driver = createFakeDriver();
    driver.images.add('docker.io/library/busybox:1.36');
    const agent = await runAgent(cfg, { driver, netTools: tools, startDns: dns.start, serviceRouter: router.router, podNetwork: pods });
    await until(() => applied(tools.commands).includes('route replace 10.42.2.0/24 via 192.0.2.12 proto 66'));
    expect(applied(tools.commands)).toContain('route replace unreachable 10.42.0.0/16 proto 66');
    expect(applied(tools.commands)).toContain('route replace 10.43.0.0/16 dev kedge-svc src 192.0.2.11 proto 66');
    expect(tools.sysctls).toEqual({ 'net.ipv4.ip_forward': '1' });
    // The pod waited for its pod range, got an address of it, and is an endpoint the node knows is ready.
    await until(() => router.syncs.some((s) => s.localPods.some((p) => p.name === 'web' && p.ready)));
    expect(pods.calls).toContain('attach uid-web');
    const last = router.syncs.at(-1)!;
    expect(last.node).toMatchObject({ nodeName: 'edge-1', internalIP: '192.0.2.11', podCIDR: '10.42.1.0/24', bridge: 'kedge0', mtu: 1500 });
    expect(last.services).toEqual(services.services);
    expect(last.localPods).toEqual([{ uid: 'uid-web', namespace: 'default', name: 'web', ip: '10.42.1.2', ready: true, hostPorts: [] }]);
    expect(dns.started.map((d) => d.address)).toEqual(['10.43.0.10']);
    await until(() => dns.started[0]!.updates.some((u) => u.localPods.length === 1));
    await until(() => broker.published.some((p) => p.topic === topics.status('edge-1')));
    const report = JSON.parse(broker.published.find((p) => p.topic === topics.status('edge-1'))!.payload) as NodeReport;
    expect(report.addresses[0]).toBe('192.0.2.11');
    await agent.stop();
    expect(dns.started[0]!.closed).toBe(true);
    // Written atomically in the background; stop() waits for the writes.
    expect(JSON.parse(await readFile(join(dataDir, 'cluster-network.json'), 'utf8'))).toEqual(network);
    expect(JSON.parse(await readFile(join(dataDir, 'cluster-services.json'), 'utf8'))).toEqual(services);
    // Stopping tears nothing down: containers and routing keep working.
    expect(tools.commands.filter((c) => /\bdel\b|flush/.test(c))).toEqual([]);

    await server.close();
    await broker.close();
    const again = fakeNetTools('192.0.2.11');
    const dnsAgain = fakeDns();
    const routerAgain = fakeRouter();
    const restarted = await runAgent(cfg, { driver: createFakeDriver(), netTools: again, startDns: dnsAgain.start, serviceRouter: routerAgain.router, podNetwork: createFakePodNetwork() });
    cleanups.push(() => restarted.stop());
    expect(applied(again.commands)).toContain('route replace 10.42.2.0/24 via 192.0.2.12 proto 66');
    expect(routerAgain.syncs[0]!.services).toEqual(services.services);
    expect(dnsAgain.started[0]!.updates[0]!.services).toEqual(services.services);
    expect(logs.join('\n')).toMatch(/node network from the cache \(cluster network revision 12, services revision 30\)/);
  });
});
