import { createHash } from 'node:crypto';
import type { ClusterNodeRoute, ServiceEndpoint } from '../../shared/cluster-network.js';
import type { EndpointSlice, Endpoints } from '../../shared/endpoints.js';
import type { Node } from '../../shared/node.js';
import type { Service } from '../../shared/service.js';
import { topics } from '../../shared/topics.js';
import { serviceNameLabel } from '../network/endpoints.js';
import { clusterNetworkOf, clusterNodeRoute, mergeRouteEndpoints, routeEndpointsOfEndpoints, routeEndpointsOfSlice, serviceRoute } from '../network/routes.js';
import type { NetworkSettings } from '../network/settings.js';
import type { Store, StoreEvent } from '../store/types.js';
import type { DesiredPublisherDeps } from './desired.js';

export interface ClusterNetworkPublisherDeps {
  store: Store;
  network: NetworkSettings;
  publish: DesiredPublisherDeps['publish'];
  log?: (msg: string) => void;
  /** Changes within this long go out as one message (default 100 ms). */
  debounceMs?: number;
  /** After a failed publish, the next try (default 1 s). */
  retryMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

const keyOf = (namespace: string | undefined, name: string) => `${namespace ?? 'default'}/${name}`;
const digest = (text: string) => createHash('sha256').update(text).digest('base64');

/**
 * Publishes the two retained cluster messages every node routes and resolves from:
 * kedge/v1/cluster/network (settings, every node's pod range) and kedge/v1/cluster/services (every
 * Service with its endpoints). What they are built from is kept from store events, so a change
 * recomputes only its own Service; a burst of changes goes out as one message after `debounceMs`,
 * and only when the content changed. The first pass after a start publishes both.
 */
export function createClusterNetworkPublisher(deps: ClusterNetworkPublisherDeps) {
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms).unref());
  const clearTimer = deps.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
  const debounceMs = deps.debounceMs ?? 100;
  const nodes = new Map<string, ClusterNodeRoute>();
  const services = new Map<string, Service>();
  /** Per Service, the endpoints of each of its slices. */
  const slices = new Map<string, Map<string, ServiceEndpoint[]>>();
  /** Per Service, the endpoints of its v1 Endpoints (used when it has no slices). */
  const endpoints = new Map<string, ServiceEndpoint[]>();
  /** Each Service's route, serialised: a message is these joined, so one change costs one serialisation. */
  const routes = new Map<string, string>();
  const dirty = new Set<string>();
  const sent = { network: '', services: '' };
  let timer: unknown;
  let flushing: Promise<void> | undefined;
  let started = false;
  let stopped = false;

  function schedule(ms = debounceMs) {
    if (timer !== undefined || stopped) return;
    timer = setTimer(() => {
      timer = undefined;
      void flush();
    }, ms);
  }

  function routeOf(key: string): string | undefined {
    const svc = services.get(key);
    if (!svc) return undefined;
    const own = slices.get(key);
    const lists = own?.size ? [...own.values()] : endpoints.has(key) ? [endpoints.get(key)!] : [];
    return JSON.stringify(serviceRoute(svc, mergeRouteEndpoints(lists)));
  }

  async function flush(): Promise<void> {
    if (flushing) {
      await flushing;
      return flush();
    }
    flushing = (async () => {
      for (const key of dirty) {
        const r = routeOf(key);
        if (r === undefined) routes.delete(key);
        else routes.set(key, r);
      }
      dirty.clear();
      const revision = deps.store.currentResourceVersion();
      const network = JSON.stringify(clusterNetworkOf(deps.network, [...nodes.values()]));
      const svcBody = `[${[...routes.keys()].sort().map((k) => routes.get(k)).join(',')}]`;
      try {
        if (digest(network) !== sent.network) {
          await deps.publish(topics.clusterNetwork, `{"revision":${revision},${network.slice(1)}`, { retain: true, qos: 1 });
          sent.network = digest(network);
        }
        if (digest(svcBody) !== sent.services) {
          await deps.publish(topics.clusterServices, `{"revision":${revision},"services":${svcBody}}`, { retain: true, qos: 1 });
          sent.services = digest(svcBody);
        }
      } catch (e) {
        deps.log?.(`cluster network: publishing failed (retry in ${deps.retryMs ?? 1000} ms): ${(e as Error).message}`);
        schedule(deps.retryMs ?? 1000);
      }
    })();
    try {
      await flushing;
    } finally {
      flushing = undefined;
    }
  }

  function onNode(n: Node, deleted: boolean) {
    const name = n.metadata.name!;
    const next = deleted ? undefined : clusterNodeRoute(n);
    const cur = nodes.get(name);
    if (cur?.podCIDR === next?.podCIDR && cur?.internalIP === next?.internalIP) return;
    if (next) nodes.set(name, next);
    else nodes.delete(name);
    schedule();
  }

  function onService(s: Service, deleted: boolean) {
    const key = keyOf(s.metadata.namespace, s.metadata.name!);
    if (deleted) services.delete(key);
    else services.set(key, s);
    dirty.add(key);
    schedule();
  }

  function onSlice(s: EndpointSlice, deleted: boolean) {
    const svc = s.metadata.labels?.[serviceNameLabel];
    if (!svc) return;
    const key = keyOf(s.metadata.namespace, svc);
    const own = slices.get(key) ?? new Map<string, ServiceEndpoint[]>();
    if (deleted) own.delete(s.metadata.name!);
    else own.set(s.metadata.name!, routeEndpointsOfSlice(s));
    if (own.size) slices.set(key, own);
    else slices.delete(key);
    dirty.add(key);
    schedule();
  }

  function onEndpoints(e: Endpoints, deleted: boolean) {
    const key = keyOf(e.metadata.namespace, e.metadata.name!);
    if (deleted) endpoints.delete(key);
    else endpoints.set(key, routeEndpointsOfEndpoints(e));
    dirty.add(key);
    schedule();
  }

  function onEvent(e: StoreEvent) {
    const deleted = e.type === 'DELETED';
    switch (e.object.kind) {
      case 'Node':
        return onNode(e.object as Node, deleted);
      case 'Service':
        return onService(e.object as Service, deleted);
      case 'EndpointSlice':
        return onSlice(e.object as EndpointSlice, deleted);
      case 'Endpoints':
        return onEndpoints(e.object as Endpoints, deleted);
    }
  }

  return {
    onEvent,
    /** Reads everything once after a start and publishes it (the broker's retained messages are gone); later, store events cover every change. */
    resync() {
      if (started) return;
      started = true;
      for (const n of deps.store.list('Node').items) onNode(n as Node, false);
      for (const s of deps.store.list('Service').items) onService(s as Service, false);
      for (const s of deps.store.list('EndpointSlice').items) onSlice(s as EndpointSlice, false);
      for (const e of deps.store.list('Endpoints').items) onEndpoints(e as Endpoints, false);
      schedule(0);
    },
    /** Publishes what is pending now (tests, and the manager's idle()). */
    async idle(): Promise<void> {
      if (timer !== undefined) {
        clearTimer(timer);
        timer = undefined;
        await flush();
      } else if (flushing) await flushing;
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
    },
  };
}
