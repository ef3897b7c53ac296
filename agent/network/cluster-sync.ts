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
  log(msg: string): void;
  /** A failed sync is tried again after this long (default 10 s). */
  retryMs?: number;
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
  let dns: { server: ClusterDns; address: string } | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

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
      try {
        facts = await o.applyRoutes(network);
        routedFor = network;
      } catch (e) {
        return retryLater(`cannot set up the node's routes`, e);
      }
      if (!facts) o.log(`network sync: the cluster network (revision ${network.revision}) has no pod range for this node yet`);
    }
    if (!facts) return;
    // Without any services message yet, rules from before a restart are better than an empty table.
    if (o.router && services) {
      try {
        await o.router.sync({ network, services: services.services, node: facts, localPods: input.localPods });
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
      dns ??= { server: await o.startDns(network), address: network.clusterDNS };
      dns.server.update({ network, services: services?.services ?? [], localPods: input.localPods });
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
      if (retry) clearTimeout(retry);
      await syncer.close();
      await dns?.server.close();
      dns = undefined;
    },
  };
}
