import type { ClusterNetwork, ClusterServices } from '../../shared/cluster-network.js';
import { createCoalescer } from '../coalescer.js';
import type { ClusterDns, LocalPod, NodeNetworkFacts, ServiceRouter } from './types.js';

export interface ClusterSyncOptions {
  /** Puts the node's devices and routes in place for `network`: this node's facts, or null while it has no pod range. */
  applyRoutes(network: ClusterNetwork): Promise<NodeNetworkFacts | null>;
  /** The node's Service rules; absent: the node programs none. */
  router?: ServiceRouter;
  /** Starts the cluster DNS on network.clusterDNS, once that address is on the node (again when it changes); absent: no DNS. */
  startDns?(network: ClusterNetwork): Promise<ClusterDns>;
  localPods(): LocalPod[];
  /** This node's facts changed (a pod range given or moved, another MTU): pods waiting for them may attach. */
  onFactsChanged?(facts: NodeNetworkFacts | null): void;
  log(msg: string): void;
  /** A failed sync is tried again after this long (default 10 s). */
  retryMs?: number;
  /** The routes are checked this often and put back if something removed them (default 60 s). */
  repairMs?: number;
}

export interface ClusterState {
  network: ClusterNetwork | null;
  services: ClusterServices | null;
}

export interface ClusterSync {
  /** The newest cluster messages (the cached ones at start, then the server's). */
  update(state: ClusterState): void;
  /** The local pods changed: started, got an IP, turned (un)ready, died or went. */
  podsChanged(): void;
  /** This node's network facts once its routes are in place. */
  readonly facts: NodeNetworkFacts | null;
  /** Resolves when no sync runs or waits. */
  idle(): Promise<void>;
  /** Stops syncing and closes the DNS; routes and Service rules stay, so the node keeps routing (edge autonomy). */
  close(): Promise<void>;
}

interface SyncInput extends ClusterState {
  localPods: LocalPod[];
}

/**
 * Keeps the node's routes, Service rules and DNS in step with the cluster messages and the local
 * pods: one sync at a time, bursts of changes coalesced into one more sync with the newest input.
 */
export function createClusterSync(o: ClusterSyncOptions): ClusterSync {
  let state: ClusterState = { network: null, services: null };
  let facts: NodeNetworkFacts | null = null;
  let routedFor: ClusterNetwork | undefined;
  let saidNoRange: number | undefined;
  let dns: { server: ClusterDns; address: string } | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  // What the rules and the DNS were last given: pod status changes that do not change it cost nothing.
  let rulesFor: { network: ClusterNetwork; services: ClusterServices; key: string } | undefined;
  let dnsFor: { network: ClusterNetwork; services: ClusterServices | null; key: string } | undefined;
  // Another network manager may flush routes it does not know; a cheap check puts them back.
  const repair = setInterval(() => {
    routedFor = undefined;
    trigger();
  }, o.repairMs ?? 60_000);
  repair.unref();

  const syncer = createCoalescer<SyncInput>(sync, (e) => o.log(`network sync: ${e.message}`));

  function trigger(): void {
    if (closed) return;
    if (retry) clearTimeout(retry);
    retry = undefined;
    syncer.push({ ...state, localPods: o.localPods() });
  }

  function retryLater(what: string, e: unknown): void {
    o.log(`network sync: ${what}: ${(e as Error).message}; trying again in ${((o.retryMs ?? 10_000) / 1000).toFixed(0)} s`);
    if (closed || retry) return;
    retry = setTimeout(trigger, o.retryMs ?? 10_000);
    retry.unref();
  }

  async function sync(input: SyncInput): Promise<void> {
    const { network, services } = input;
    if (!network) return;
    if (network !== routedFor) {
      const before = JSON.stringify(facts);
      try {
        facts = await o.applyRoutes(network);
        routedFor = network;
      } catch (e) {
        return retryLater(`cannot set up the node's routes`, e);
      }
      if (JSON.stringify(facts) !== before) o.onFactsChanged?.(facts);
      if (!facts && saidNoRange !== network.revision) o.log(`network sync: the cluster network (revision ${network.revision}) has no pod range for this node yet`);
      saidNoRange = facts ? undefined : network.revision;
    }
    if (!facts) return;
    const key = JSON.stringify([facts, input.localPods]);
    // Without any services message yet, rules from before a restart are better than an empty table.
    if (o.router && services && !(rulesFor?.network === network && rulesFor.services === services && rulesFor.key === key)) {
      try {
        await o.router.sync({ network, services: services.services, node: facts, localPods: input.localPods });
        rulesFor = { network, services, key };
      } catch (e) {
        retryLater('cannot program the Service rules', e);
      }
    }
    if (!o.startDns) return;
    try {
      if (dns && dns.address !== network.clusterDNS) {
        await dns.server.close();
        dns = undefined;
      }
      if (!dns) {
        dns = { server: await o.startDns(network), address: network.clusterDNS };
        dnsFor = undefined;
      }
      if (dnsFor?.network === network && dnsFor.services === services && dnsFor.key === key) return;
      dns.server.update({ network, services: services?.services ?? [], localPods: input.localPods });
      dnsFor = { network, services, key };
    } catch (e) {
      retryLater(`cannot serve the cluster DNS on ${network.clusterDNS}`, e);
    }
  }

  return {
    update(next) {
      state = next;
      trigger();
    },
    podsChanged: trigger,
    get facts() {
      return facts;
    },
    idle: () => syncer.idle(),
    async close() {
      closed = true;
      clearInterval(repair);
      if (retry) clearTimeout(retry);
      await syncer.close();
      await dns?.server.close();
      dns = undefined;
    },
  };
}
