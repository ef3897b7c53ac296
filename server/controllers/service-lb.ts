import { isDeepStrictEqual } from 'node:util';
import { isNodeReady, type Node } from '../../shared/node.js';
import type { Service } from '../../shared/service.js';
import { compareIPv4 } from '../../shared/cidr.js';
import { isServiceLb } from '../network/claims.js';
import type { Store, StoreEvent } from '../store/types.js';
import { createWorkQueue } from './queue.js';
import { writeStatus } from './store-writes.js';

/** Where a Ready node answers LoadBalancer ports: its ExternalIP if it has one, else its InternalIP. */
export function lbAddressOf(n: Node): string | undefined {
  if (!isNodeReady(n)) return undefined;
  const addrs = n.status?.addresses ?? [];
  return addrs.find((a) => a.type === 'ExternalIP')?.address ?? addrs.find((a) => a.type === 'InternalIP')?.address;
}

/** status.loadBalancer as ServiceLB writes it: every Ready node's address, in order. */
export function loadBalancerStatus(s: Service, addresses: Iterable<string>): Service['status'] {
  if (!isServiceLb(s)) return { ...(s.status ?? {}), loadBalancer: s.spec?.type === 'LoadBalancer' ? (s.status?.loadBalancer ?? {}) : {} };
  const ingress = [...new Set(addresses)].sort(compareIPv4).map((ip) => ({ ip }));
  return { ...(s.status ?? {}), loadBalancer: ingress.length ? { ingress } : {} };
}

/**
 * LoadBalancer Services the way K3s's ServiceLB does them: the ports answer on every node (the
 * nodes' Service rules), and status.loadBalancer.ingress lists the Ready nodes' addresses. A Service
 * that stops being a LoadBalancer loses its ingress.
 */
export function createServiceLbController(deps: { store: Store; log?: (msg: string) => void }) {
  const { store } = deps;
  const queue = createWorkQueue({ name: 'service-lb', reconcile: (key) => store.batch(() => reconcile(key)), log: deps.log, delayMs: 20 });
  /** Each node's LoadBalancer address, from store events (no node is read again on a pass). */
  const addresses = new Map<string, string>();
  /** Services that are (or were, until their ingress is cleared) LoadBalancers. */
  const balanced = new Set<string>();
  let started = false;

  function reconcile(key: string) {
    const slash = key.indexOf('/');
    const svc = store.get('Service', key.slice(0, slash), key.slice(slash + 1)) as Service | undefined;
    if (!svc) {
      balanced.delete(key);
      return;
    }
    const status = loadBalancerStatus(svc, addresses.values());
    if (!isDeepStrictEqual(status, svc.status)) writeStatus(store, 'Service', svc, status);
    if (!isServiceLb(svc)) balanced.delete(key);
  }

  const keyOf = (s: Service) => `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;

  function onService(s: Service, deleted: boolean) {
    const key = keyOf(s);
    if (deleted) balanced.delete(key);
    else if (isServiceLb(s) || s.status?.loadBalancer?.ingress?.length) {
      balanced.add(key);
      queue.add(key);
    }
  }

  function onNode(n: Node, deleted: boolean) {
    const name = n.metadata.name!;
    const next = deleted ? undefined : lbAddressOf(n);
    if (addresses.get(name) === next) return;
    if (next === undefined) addresses.delete(name);
    else addresses.set(name, next);
    for (const k of balanced) queue.add(k);
  }

  return {
    onEvent(e: StoreEvent) {
      if (e.object.kind === 'Service') onService(e.object as Service, e.type === 'DELETED');
      else if (e.object.kind === 'Node') onNode(e.object as Node, e.type === 'DELETED');
    },
    /** Read everything once; store events cover every later change (a fleet's nodes are not read again every resync). */
    resync() {
      if (!started) {
        for (const n of store.list('Node').items as Node[]) onNode(n, false);
        for (const s of store.list('Service').items as Service[]) onService(s, false);
      }
      for (const k of balanced) queue.add(k);
      started = true;
    },
    idle: () => queue.idle(),
    stop: () => queue.stop(),
  };
}
