/**
 * Service rules on the real nft and kernel: a node namespace with two pods on a bridge and an outside
 * client; the agent's ServiceRouter programs the node and traffic goes where Services say.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nftRunner } from '../../agent/network/services/nft.js';
import { planRules } from '../../agent/network/services/plan.js';
import { renderRuleset } from '../../agent/network/services/ruleset.js';
import { createServiceRouter } from '../../agent/network/services/router.js';
import { applyInPrivateNamespace, normalizeListing } from '../../agent/network/services/testing/private-nft.js';
import type { ServiceRouter, ServiceRulesInput } from '../../agent/network/types.js';
import type { ServiceEndpoint, ServiceRoute } from '../../shared/cluster-network.js';
import { createServiceTopology, serviceNetnsSkipReason, type ServiceTopology } from '../fixtures/service-netns.js';

const skip = serviceNetnsSkipReason();
const table = 'svcrules';

describe.skipIf(skip !== null)(`Service rules in network namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let topo: ServiceTopology;
  let router: ServiceRouter;
  const podReady = { a: true, b: true };

  const endpoint = (name: 'a' | 'b'): ServiceEndpoint => ({
    ip: topo.pods[name]!.ip,
    nodeName: 'svcrules-node',
    podUID: `uid-${name}`,
    ready: true,
    ports: { '': 8080 },
  });
  const service = (name: string, clusterIP: string, over: Partial<ServiceRoute> = {}): ServiceRoute => ({
    namespace: 'default',
    name,
    type: 'ClusterIP',
    clusterIP,
    ports: [{ name: '', protocol: 'TCP', port: 80 }],
    endpoints: [],
    ...over,
  });
  let webEndpoints: ('a' | 'b')[] = ['a', 'b'];
  const input = (): ServiceRulesInput => ({
    network: {
      revision: 1,
      clusterCIDR: '10.42.0.0/16',
      serviceCIDR: '10.43.0.0/16',
      clusterDNS: '10.43.0.10',
      clusterDomain: 'cluster.local',
      backend: 'host-gw',
      nodePortRange: { min: 30000, max: 32767 },
      nodes: [{ name: 'svcrules-node', podCIDR: '10.42.55.0/24', internalIP: topo.nodeIP }],
    },
    node: { nodeName: 'svcrules-node', nodeIPs: [topo.nodeIP], internalIP: topo.nodeIP, podCIDR: '10.42.55.0/24', bridge: 'svcrules-br', mtu: 1500 },
    localPods: [
      { uid: 'uid-a', namespace: 'default', name: 'a', ip: topo.pods.a!.ip, ready: podReady.a, hostPorts: [] },
      { uid: 'uid-b', namespace: 'default', name: 'b', ip: topo.pods.b!.ip, ready: podReady.b, hostPorts: [{ hostPort: 8081, containerPort: 8080, protocol: 'TCP' }] },
    ],
    services: [
      service('web', '10.43.55.10', { type: 'NodePort', ports: [{ name: '', protocol: 'TCP', port: 80, nodePort: 30080 }], endpoints: webEndpoints.map(endpoint) }),
      service('empty', '10.43.55.11', { type: 'NodePort', ports: [{ name: '', protocol: 'TCP', port: 80, nodePort: 30082 }] }),
      service('only-a', '10.43.55.12', { endpoints: [endpoint('a')] }),
      service('local-ext', '10.43.55.13', { type: 'NodePort', externalTrafficLocal: true, ports: [{ name: '', protocol: 'TCP', port: 80, nodePort: 30081 }], endpoints: [endpoint('a')] }),
      service('on-node', '10.43.55.14', { endpoints: [{ ip: topo.nodeIP, nodeName: 'svcrules-node', ready: true, ports: { '': 8082 } }] }),
      service('lb', '10.43.55.15', { type: 'LoadBalancer', loadBalancer: true, ports: [{ name: '', protocol: 'TCP', port: 8088, nodePort: 30088 }], endpoints: [endpoint('b')] }),
    ],
  });
  const who = (ns: string, target: string) => topo.who(ns, target);
  const answers = (ns: string, target: string, times: number) => new Set(Array.from({ length: times }, () => who(ns, target).body));
  const refusedAtOnce = (ns: string, target: string) => {
    const r = who(ns, target);
    expect(r.ok, `${target} from ${ns} answered: ${r.body}`).toBe(false);
    expect(r.error).toMatch(/Connection refused/);
    expect(r.ms).toBeLessThan(1000);
  };

  beforeAll(async () => {
    topo = createServiceTopology(String(process.pid), ['a', 'b']);
    topo.serve(topo.pods.a!.ns, 'podA', '8080');
    topo.serve(topo.pods.b!.ns, 'podB', '8080');
    topo.serve(topo.node, 'node', '8082');
    topo.serve(topo.node, 'dns', '10.43.0.10:53');
    topo.serve(topo.client, 'outside', '8090');
    router = createServiceRouter({ table, nft: nftRunner(['ip', 'netns', 'exec', topo.node, 'nft']) });
    await router.sync(input());
    // The servers start in the background: wait until each answers directly.
    for (const [ns, target] of [[topo.node, `${topo.pods.a!.ip}:8080`], [topo.node, `${topo.pods.b!.ip}:8080`], [topo.node, '127.0.0.1:8082'], [topo.pods.a!.ns, '10.43.0.10:53'], [topo.node, `${topo.clientIP}:8090`]] as const) {
      const end = Date.now() + 10_000;
      while (!who(ns, target).ok && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(() => topo?.remove());

  it('sends ClusterIP traffic from outside the node to both pods, masqueraded to the node', () => {
    expect(answers(topo.client, '10.43.55.10', 20)).toEqual(new Set([`podA ${topo.bridgeIP}`, `podB ${topo.bridgeIP}`]));
  });

  it('answers a NodePort on the node address, and a LoadBalancer port there too', () => {
    expect([...answers(topo.client, `${topo.nodeIP}:30080`, 12)].map((a) => a.split(' ')[0]).sort()).toEqual(['podA', 'podB']);
    expect(who(topo.client, `${topo.nodeIP}:8088`).body).toBe(`podB ${topo.bridgeIP}`);
  });

  it('keeps the client address with externalTrafficPolicy Local', () => {
    expect(who(topo.client, `${topo.nodeIP}:30081`).body).toBe(`podA ${topo.clientIP}`);
  });

  it('reaches ClusterIPs and NodePorts from the node itself (output hook), also an endpoint on the node', () => {
    expect([...answers(topo.node, '10.43.55.10', 12)].map((a) => a.split(' ')[0]).sort()).toEqual(['podA', 'podB']);
    expect(who(topo.node, `${topo.nodeIP}:30080`).ok).toBe(true);
    expect(who(topo.node, '10.43.55.14').body).toMatch(/^node /);
    expect(who(topo.client, '10.43.55.14').body).toMatch(/^node /);
  });

  it('refuses at once a Service without endpoints, an unused service address and a port the Service does not serve', () => {
    for (const ns of [topo.client, topo.pods.a!.ns, topo.node]) refusedAtOnce(ns, '10.43.55.11');
    refusedAtOnce(topo.client, `${topo.nodeIP}:30082`);
    refusedAtOnce(topo.client, '10.43.55.99');
    refusedAtOnce(topo.pods.b!.ns, '10.43.200.1:8080');
    refusedAtOnce(topo.client, '10.43.55.10:81');
  });

  it('lets pods reach the cluster DNS address on port 53', () => {
    expect(who(topo.pods.a!.ns, '10.43.0.10:53').body).toBe(`dns ${topo.pods.a!.ip}`);
  });

  it('masquerades a pod reaching itself through a Service, and no other pod', () => {
    expect(who(topo.pods.a!.ns, '10.43.55.12').body).toBe(`podA ${topo.bridgeIP}`);
    expect(who(topo.pods.b!.ns, '10.43.55.12').body).toBe(`podA ${topo.pods.b!.ip}`);
  });

  it('masquerades pod traffic leaving the cluster range, and DNATs hostPorts to the pod', () => {
    expect(who(topo.pods.a!.ns, `${topo.clientIP}:8090`).body).toBe(`outside ${topo.nodeIP}`);
    expect(who(topo.client, `${topo.nodeIP}:8081`).body).toBe(`podB ${topo.clientIP}`);
  });

  it('stops using a local endpoint the node sees unready at once, and uses it again when ready', async () => {
    podReady.a = false;
    const t0 = performance.now();
    await router.sync(input());
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(2000);
    expect(answers(topo.client, '10.43.55.10', 12)).toEqual(new Set([`podB ${topo.bridgeIP}`]));
    refusedAtOnce(topo.client, '10.43.55.12');
    podReady.a = true;
    await router.sync(input());
    expect([...answers(topo.client, '10.43.55.10', 20)].map((a) => a.split(' ')[0]).sort()).toEqual(['podA', 'podB']);
  });

  it('refuses at once when the last endpoint goes, and answers again when one comes back', async () => {
    webEndpoints = [];
    await router.sync(input());
    refusedAtOnce(topo.client, '10.43.55.10');
    refusedAtOnce(topo.client, `${topo.nodeIP}:30080`);
    webEndpoints = ['b'];
    await router.sync(input());
    expect(who(topo.client, '10.43.55.10').body).toBe(`podB ${topo.bridgeIP}`);
    webEndpoints = ['a', 'b'];
  });

  it('after all those updates holds exactly the table a whole replacement would write', async () => {
    await router.sync(input());
    await new Promise((r) => setTimeout(r, 1100));
    await router.sync(input());
    const listing = spawnSync('ip', ['netns', 'exec', topo.node, 'nft', '-j', 'list', 'table', 'ip', table], { encoding: 'utf8' });
    expect(listing.status).toBe(0);
    const whole = applyInPrivateNamespace([renderRuleset(planRules(input(), table).ruleset)], table);
    expect(normalizeListing(JSON.parse(listing.stdout))).toEqual(normalizeListing(whole));
  });

  it('remove() deletes the table', async () => {
    await router.remove();
    expect(topo.run(topo.node, ['nft', 'list', 'tables'])).not.toContain(table);
    await router.remove();
  });
});
