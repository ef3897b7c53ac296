import type { ClusterNetwork, ServiceRoute } from '../../../shared/cluster-network.js';
import type { ClusterDns, LocalPod, ServiceRouter, ServiceRulesInput } from '../types.js';

/** A ServiceRouter that records each sync; `hold()` makes the next syncs wait until released. */
export function fakeRouter() {
  const syncs: ServiceRulesInput[] = [];
  let gate: Promise<void> | undefined;
  let release: (() => void) | undefined;
  let inFlight = 0;
  let maxInFlight = 0;
  let failures = 0;
  const router: ServiceRouter & { removed: number } = {
    removed: 0,
    async sync(input) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (gate) await gate;
        if (failures > 0) {
          failures--;
          throw new Error('nft: table busy');
        }
        syncs.push(input);
      } finally {
        inFlight--;
      }
    },
    async remove() {
      router.removed++;
    },
  };
  return {
    router,
    syncs,
    maxInFlight: () => maxInFlight,
    failNext(n: number) {
      failures = n;
    },
    hold() {
      gate = new Promise((r) => (release = r));
    },
    release() {
      gate = undefined;
      release?.();
    },
  };
}

/** A ClusterDns factory that records the servers it started, their updates and closes. */
export function fakeDns() {
  const started: { address: string; updates: { services: ServiceRoute[]; localPods: LocalPod[] }[]; closed: boolean }[] = [];
  return {
    started,
    async start(network: ClusterNetwork): Promise<ClusterDns> {
      const s = { address: network.clusterDNS, updates: [] as { services: ServiceRoute[]; localPods: LocalPod[] }[], closed: false };
      started.push(s);
      return {
        update: (input) => void s.updates.push({ services: input.services, localPods: input.localPods }),
        close: async () => {
          s.closed = true;
        },
      };
    },
  };
}
