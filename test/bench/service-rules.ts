/**
 * Service rules at size: N Services × M endpoints on one node, in a network namespace of its own.
 * Measures a full resync (plan + render + `nft -f` of the whole table, as at agent start), one endpoint
 * change applied (plan + difference + `nft -f`), and memory. Run it with service-rules-cli.ts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { nftRunner } from '../../agent/network/services/nft.js';
import { planRules } from '../../agent/network/services/plan.js';
import { renderRuleset } from '../../agent/network/services/ruleset.js';
import { createServiceRouter } from '../../agent/network/services/router.js';
import type { LocalPod, ServiceRulesInput } from '../../agent/network/types.js';
import type { ServiceRoute } from '../../shared/cluster-network.js';
import { summarize, type Summary } from './stats.js';

export interface ServiceRulesMeasurement {
  services: number;
  endpoints: number;
  scriptBytes: number;
  /** Plan + render of the whole table, ms. */
  render: Summary;
  /** Plan + render + nft -f of the whole table, ms. */
  fullResync: Summary;
  /** One endpoint's readiness flipped, until nft has applied it, ms. */
  endpointChange: Summary;
  /** CPU time (this process and nft) per full resync and per change, ms: the wall time on an idle machine, roughly. */
  cpuPerFullResync: number;
  cpuPerChange: number;
  /** Heap the router keeps for the table it applied (after GC; NaN without --expose-gc). */
  retainedHeapMB: number;
  /** RSS after the changes against RSS before the first sync. */
  rssGrowthMB: number;
  /** The 1-minute load average at the end: figures from a busy machine are slower than the code. */
  loadAverage: number;
}

/** This process's CPU time plus that of its reaped children (nft), ms; children count at 10 ms resolution. */
function cpuMs(): number {
  const own = process.cpuUsage();
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const childTicks = Number(fields[13]) + Number(fields[14]);
  return (own.user + own.system) / 1000 + childTicks * 10;
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();

/** A cluster of 100 nodes: endpoint n runs on node n mod 100, and node-0 (10.42.0.0/24) is this one. */
export function benchInput(services: number, endpoints: number): ServiceRulesInput {
  const routes: ServiceRoute[] = [];
  const localPods: LocalPod[] = [];
  for (let s = 0; s < services; s++) {
    const eps = Array.from({ length: endpoints }, (_, e) => {
      const n = s * endpoints + e;
      const node = n % 100;
      const ip = `10.42.${node}.${2 + Math.floor(n / 100) % 250}`;
      const uid = `pod-${s}-${e}`;
      if (node === 0) localPods.push({ uid, namespace: `ns${s % 20}`, name: uid, ip, ready: true, hostPorts: [] });
      return { ip, nodeName: `node-${node}`, podUID: uid, ready: true, ports: { http: 8080 } };
    });
    routes.push({
      namespace: `ns${s % 20}`,
      name: `svc-${s}`,
      type: s % 10 === 0 ? 'NodePort' : 'ClusterIP',
      clusterIP: `10.43.${1 + (s >> 8)}.${s & 255}`,
      ports: [{ name: 'http', protocol: 'TCP', port: 80, ...(s % 10 === 0 ? { nodePort: 30000 + s } : {}) }],
      endpoints: eps,
    });
  }
  return {
    network: {
      revision: 1, clusterCIDR: '10.42.0.0/16', serviceCIDR: '10.43.0.0/16', clusterDNS: '10.43.0.10', clusterDomain: 'cluster.local',
      backend: 'host-gw', nodePortRange: { min: 30000, max: 32767 }, nodes: [],
    },
    node: { nodeName: 'node-0', nodeIPs: ['192.0.2.1'], internalIP: '192.0.2.1', podCIDR: '10.42.0.0/24', bridge: 'kedge0', mtu: 1500 },
    services: routes,
    localPods,
  };
}

export async function measureServiceRules(o: { services: number; endpoints: number; changes: number; resyncs: number; log?: (m: string) => void }): Promise<ServiceRulesMeasurement> {
  const log = o.log ?? (() => undefined);
  const ns = `svcrules-bench-${process.pid}`;
  spawnSync('ip', ['netns', 'del', ns]);
  const made = spawnSync('ip', ['netns', 'add', ns], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`ip netns add ${ns}: ${made.stderr}`);
  try {
    // nsenter, not `ip netns exec`: the latter remounts /sys on every run, which the agent never pays.
    const nft = nftRunner(['nsenter', `--net=/run/netns/${ns}`, 'nft']);
    const input = benchInput(o.services, o.endpoints);
    gc();
    const rss0 = process.memoryUsage().rss;
    const render: number[] = [];
    let scriptBytes = 0;
    for (let i = 0; i < o.resyncs; i++) {
      const t0 = performance.now();
      scriptBytes = renderRuleset(planRules(input).ruleset).length;
      render.push(performance.now() - t0);
    }
    const full: number[] = [];
    const cpuFull0 = cpuMs();
    for (let i = 0; i < o.resyncs; i++) {
      const t0 = performance.now();
      // A new router's first sync replaces the whole table, as at agent start (the old one still in place).
      await createServiceRouter({ nft }).sync(input);
      full.push(performance.now() - t0);
      log(`full resync ${i + 1}/${o.resyncs}: ${full.at(-1)!.toFixed(0)} ms`);
    }
    const cpuPerFullResync = (cpuMs() - cpuFull0) / o.resyncs;
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    const router = createServiceRouter({ nft });
    await router.sync(input);
    gc();
    const retainedHeapMB = (globalThis as { gc?: unknown }).gc ? (process.memoryUsage().heapUsed - heap0) / 2 ** 20 : NaN;
    const changes: number[] = [];
    let state = input;
    const cpuChanges0 = cpuMs();
    for (let i = 0; i < o.changes; i++) {
      const s = (i * 7919) % o.services;
      const e = (i * 31) % o.endpoints;
      const services = state.services.map((svc, k) =>
        k !== s ? svc : { ...svc, endpoints: svc.endpoints.map((ep, j) => (j !== e ? ep : { ...ep, ready: !ep.ready })) },
      );
      const flipped = services[s]!.endpoints[e]!;
      const localPods = flipped.nodeName === 'node-0' ? state.localPods.map((p) => (p.uid === flipped.podUID ? { ...p, ready: flipped.ready } : p)) : state.localPods;
      state = { ...state, services, localPods };
      const t0 = performance.now();
      await router.sync(state);
      changes.push(performance.now() - t0);
    }
    const cpuPerChange = (cpuMs() - cpuChanges0) / o.changes;
    gc();
    const m: ServiceRulesMeasurement = {
      services: o.services,
      endpoints: o.endpoints,
      scriptBytes,
      render: summarize(render),
      fullResync: summarize(full),
      endpointChange: summarize(changes),
      cpuPerFullResync,
      cpuPerChange,
      retainedHeapMB,
      rssGrowthMB: (process.memoryUsage().rss - rss0) / 2 ** 20,
      loadAverage: loadavg()[0]!,
    };
    await router.remove();
    return m;
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}
