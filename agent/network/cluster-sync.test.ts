import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterNetwork, ClusterServices } from '../../shared/cluster-network.js';
import { createClusterSync } from './cluster-sync.js';
import { testNetwork } from './node/testing/network.js';
import { fakeDns, fakeRouter } from './testing/fakes.js';
import type { LocalPod, NodeNetworkFacts } from './types.js';

const facts: NodeNetworkFacts = { nodeName: 'edge-1', nodeIPs: ['192.0.2.11'], internalIP: '192.0.2.11', podCIDR: '10.42.1.0/24', bridge: 'kedge0', mtu: 1500 };
const services = (revision: number): ClusterServices => ({
  revision,
  services: [{ namespace: 'default', name: 'web', type: 'ClusterIP', clusterIP: '10.43.0.20', ports: [{ name: '', protocol: 'TCP', port: 80 }], endpoints: [] }],
});
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const pod = (name: string, ready: boolean): LocalPod => ({ uid: `uid-${name}`, namespace: 'default', name, ip: '10.42.1.5', ready, hostPorts: [] });

function setup(o: { applyRoutes?: (n: ClusterNetwork) => Promise<NodeNetworkFacts | null>; retryMs?: number; repairMs?: number } = {}) {
  const routed: ClusterNetwork[] = [];
  const r = fakeRouter();
  const d = fakeDns();
  const logs: string[] = [];
  const factsSeen: (NodeNetworkFacts | null)[] = [];
  let pods: LocalPod[] = [];
  const sync = createClusterSync({
    applyRoutes:
      o.applyRoutes ??
      (async (n) => {
        routed.push(n);
        return facts;
      }),
    router: r.router,
    startDns: d.start,
    localPods: () => pods,
    onFactsChanged: (f) => factsSeen.push(f),
    log: (m) => logs.push(m),
    retryMs: o.retryMs ?? 20,
    repairMs: o.repairMs ?? 60_000,
  });
  cleanups.push(() => sync.close());
  return { sync, routed, r, d, logs, factsSeen, setPods: (p: LocalPod[]) => (pods = p) };
}

describe('cluster sync', () => {
  it('routes, then programs the Service rules and starts the DNS from the cluster messages and the local pods', async () => {
    const t = setup();
    t.setPods([pod('web-1', true)]);
    t.sync.update({ network: null, services: services(1) });
    await t.sync.idle();
    expect(t.routed).toEqual([]);
    expect(t.r.syncs).toEqual([]);

    const network = testNetwork('host-gw');
    t.sync.update({ network, services: services(1) });
    await t.sync.idle();
    expect(t.routed).toEqual([network]);
    expect(t.sync.facts).toEqual(facts);
    expect(t.r.syncs).toEqual([{ network, services: services(1).services, node: facts, localPods: [pod('web-1', true)] }]);
    expect(t.d.started.map((s) => s.address)).toEqual(['10.43.0.10']);
    expect(t.d.started[0]!.updates).toEqual([{ services: services(1).services, localPods: [pod('web-1', true)] }]);
  });

  it('a pod change re-syncs the rules and the DNS, not the routes', async () => {
    const t = setup();
    const network = testNetwork('host-gw');
    t.sync.update({ network, services: services(1) });
    await t.sync.idle();
    t.setPods([pod('web-1', false)]);
    t.sync.podsChanged();
    await t.sync.idle();
    expect(t.routed).toHaveLength(1);
    expect(t.r.syncs.map((s) => s.localPods)).toEqual([[], [pod('web-1', false)]]);
    expect(t.d.started).toHaveLength(1);
    expect(t.d.started[0]!.updates.at(-1)!.localPods).toEqual([pod('web-1', false)]);
    // A new network message re-applies the routes.
    t.sync.update({ network: testNetwork('vxlan', 2), services: services(1) });
    await t.sync.idle();
    expect(t.routed.map((n) => n.backend)).toEqual(['host-gw', 'vxlan']);
  });

  it('a pod status change that changes no local pod costs no sync of the rules or the DNS', async () => {
    const t = setup();
    t.setPods([pod('web-1', true)]);
    t.sync.update({ network: testNetwork('host-gw'), services: services(1) });
    await t.sync.idle();
    for (let i = 0; i < 5; i++) {
      t.setPods([pod('web-1', true)]);
      t.sync.podsChanged();
      await t.sync.idle();
    }
    expect(t.r.syncs).toHaveLength(1);
    expect(t.d.started[0]!.updates).toHaveLength(1);
  });

  it('checks the routes now and then and puts back what went, without touching the rules', async () => {
    const t = setup({ repairMs: 20 });
    t.sync.update({ network: testNetwork('host-gw'), services: services(1) });
    await new Promise((r) => setTimeout(r, 90));
    await t.sync.idle();
    expect(t.routed.length).toBeGreaterThanOrEqual(3);
    expect(t.r.syncs).toHaveLength(1);
    // Same facts each time: nobody is told they changed.
    expect(t.factsSeen).toEqual([facts]);
  });

  it('coalesces a burst: one sync in flight, then one more with the newest input', async () => {
    const t = setup();
    t.sync.update({ network: testNetwork('host-gw'), services: services(1) });
    await t.sync.idle();
    t.r.hold();
    t.setPods([pod('a', true)]);
    t.sync.podsChanged();
    for (let i = 2; i <= 20; i++) {
      t.setPods([pod(`p${i}`, i % 2 === 0)]);
      t.sync.podsChanged();
      t.sync.update({ network: t.routed[0]!, services: services(i) });
    }
    await new Promise((r) => setTimeout(r, 10));
    t.r.release();
    await t.sync.idle();
    expect(t.r.maxInFlight()).toBe(1);
    expect(t.r.syncs.map((s) => s.localPods[0]?.name)).toEqual([undefined, 'a', 'p20']);
    expect(t.r.syncs.at(-1)!.services).toEqual(services(20).services);
  });

  it('waits for a pod range, and keeps the rules from before a restart until the services message arrives', async () => {
    const t = setup({ applyRoutes: async () => null });
    t.sync.update({ network: testNetwork('host-gw'), services: services(1) });
    await t.sync.idle();
    expect(t.r.syncs).toEqual([]);
    expect(t.d.started).toEqual([]);
    expect(t.logs.join('\n')).toMatch(/has no pod range for this node yet/);

    const u = setup();
    u.sync.update({ network: testNetwork('host-gw'), services: null });
    await u.sync.idle();
    expect(u.r.syncs).toEqual([]);
    expect(u.d.started[0]!.updates).toEqual([{ services: [], localPods: [] }]);
  });

  it('tries again after a failure', async () => {
    let calls = 0;
    const t = setup({
      applyRoutes: async () => {
        if (++calls === 1) throw new Error('ip: RTNETLINK answers: Operation not permitted');
        return facts;
      },
    });
    t.sync.update({ network: testNetwork('host-gw'), services: services(1) });
    await t.sync.idle();
    expect(t.r.syncs).toEqual([]);
    expect(t.logs.join('\n')).toMatch(/cannot set up the node's routes: ip: RTNETLINK answers: Operation not permitted; trying again/);
    await new Promise((r) => setTimeout(r, 60));
    await t.sync.idle();
    expect(calls).toBe(2);
    expect(t.r.syncs).toHaveLength(1);

    t.r.failNext(1);
    t.setPods([pod('web-1', true)]);
    t.sync.podsChanged();
    await t.sync.idle();
    expect(t.r.syncs).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 60));
    await t.sync.idle();
    expect(t.r.syncs).toHaveLength(2);
  });

  it('moves the DNS when the cluster DNS address changes; stopping closes the DNS and leaves the rules', async () => {
    const t = setup();
    t.sync.update({ network: testNetwork('host-gw'), services: services(1) });
    await t.sync.idle();
    t.sync.update({ network: { ...testNetwork('host-gw', 2), clusterDNS: '10.43.0.53' }, services: services(1) });
    await t.sync.idle();
    expect(t.d.started.map((s) => [s.address, s.closed])).toEqual([
      ['10.43.0.10', true],
      ['10.43.0.53', false],
    ]);
    await t.sync.close();
    expect(t.d.started[1]!.closed).toBe(true);
    expect(t.r.router.removed).toBe(0);
    t.sync.podsChanged();
    await t.sync.idle();
    expect(t.r.syncs).toHaveLength(2);
  });
});
