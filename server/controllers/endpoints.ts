import { isDeepStrictEqual } from 'node:util';
import type { EndpointSlice, Endpoints } from '../../shared/endpoints.js';
import type { Pod } from '../../shared/pod.js';
import type { Service } from '../../shared/service.js';
import { endpointsFor, managedByLabel, selectorOf, selects, serviceNameLabel, sliceContentsFor, sliceControllerName } from '../network/endpoints.js';
import { planSlices } from '../network/slice-plan.js';
import type { StoreEvent } from '../store/types.js';
import type { ControllerDeps } from './deployment.js';
import { createWorkQueue } from './queue.js';
import { deleteIfPresent } from './store-writes.js';

const keyOf = (o: { metadata: { namespace?: string; name?: string } }) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;

/**
 * The endpoints controller: for each Service with a selector, an Endpoints object named like it and
 * EndpointSlices `<service>-<suffix>`, from the pods it selects, their addresses and readiness.
 * Level-triggered by Service and pod changes (a pod's Ready flip reaches the slices within
 * milliseconds); Endpoints of a deleted Service go, its slices with it (they are owned by it).
 */
export function createEndpointsController(deps: ControllerDeps) {
  const { store } = deps;
  const queue = createWorkQueue({ name: 'endpoints', reconcile: (key) => store.batch(() => reconcile(key)), log: deps.log, delayMs: 10 });
  /** Services with selectors, by namespace: which Services a pod change concerns, without reading them all. */
  const selecting = new Map<string, Map<string, Service>>();
  /** The Services each pod was last selected by: a pod whose labels changed must leave those too. */
  const podServices = new Map<string, string[]>();
  let started = false;

  function reconcile(key: string) {
    const slash = key.indexOf('/');
    const ns = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const svc = store.get('Service', ns, name) as Service | undefined;
    const managed = store.list('EndpointSlice', {
      namespace: ns,
      labelSelector: [
        { key: serviceNameLabel, op: 'in', values: [name] },
        { key: managedByLabel, op: 'in', values: [sliceControllerName] },
      ],
    }).items as EndpointSlice[];
    const selector = svc && selectorOf(svc);
    if (!svc || !selector) {
      // A Service without a selector keeps the Endpoints someone else writes; a deleted one loses its own.
      if (!svc) deleteIfPresent(store, 'Endpoints', ns, name);
      for (const s of managed) deleteIfPresent(store, 'EndpointSlice', ns, s.metadata.name!);
      return;
    }
    const labelSelector = Object.entries(selector).map(([k, v]) => ({ key: k, op: 'in' as const, values: [v] }));
    const pods = store.list('Pod', { namespace: ns, labelSelector }).items as Pod[];
    writeEndpoints(endpointsFor(svc, pods));
    const plan = planSlices(svc, sliceContentsFor(svc, pods), managed);
    for (const s of plan.delete) deleteIfPresent(store, 'EndpointSlice', ns, s);
    for (const s of plan.update) store.update(s);
    for (const s of plan.create) store.create(s);
  }

  function writeEndpoints(want: Endpoints) {
    const ns = want.metadata.namespace!;
    const cur = store.get('Endpoints', ns, want.metadata.name!) as Endpoints | undefined;
    if (!cur) {
      store.create(want);
      return;
    }
    if (isDeepStrictEqual(cur.subsets ?? [], want.subsets ?? []) && isDeepStrictEqual(cur.metadata.labels ?? {}, want.metadata.labels ?? {})) return;
    const next: Endpoints = { ...cur, metadata: { ...cur.metadata, labels: want.metadata.labels } };
    if (want.subsets) next.subsets = want.subsets;
    else delete next.subsets;
    store.update(next);
  }

  function rememberService(svc: Service, deleted: boolean) {
    const ns = svc.metadata.namespace ?? 'default';
    const inNs = selecting.get(ns) ?? new Map<string, Service>();
    if (deleted || !selectorOf(svc)) inNs.delete(svc.metadata.name!);
    else inNs.set(svc.metadata.name!, svc);
    if (inNs.size) selecting.set(ns, inNs);
    else selecting.delete(ns);
  }

  /** Queues the Services that select the pod now or did before; returns those it selects now. */
  function onPod(p: Pod, deleted: boolean) {
    const key = keyOf(p);
    const now = deleted ? [] : [...(selecting.get(p.metadata.namespace ?? 'default')?.values() ?? [])].filter((s) => selects(s, p)).map(keyOf);
    for (const k of new Set([...(podServices.get(key) ?? []), ...now])) queue.add(k);
    if (now.length) podServices.set(key, now);
    else podServices.delete(key);
  }

  return {
    onEvent(e: StoreEvent) {
      const o = e.object;
      switch (o.kind) {
        case 'Service':
          rememberService(o as Service, e.type === 'DELETED');
          queue.add(keyOf(o));
          break;
        case 'Pod':
          onPod(o as Pod, e.type === 'DELETED');
          break;
        case 'Endpoints':
          // Someone else changed or removed what this controller keeps: look again (a no-op if it was this controller).
          if (selecting.get(o.metadata.namespace ?? 'default')?.has(o.metadata.name!)) queue.add(keyOf(o));
          break;
        case 'EndpointSlice': {
          const svc = o.metadata.labels?.[serviceNameLabel];
          if (svc && o.metadata.labels?.[managedByLabel] === sliceControllerName) queue.add(`${o.metadata.namespace ?? 'default'}/${svc}`);
          break;
        }
      }
    },
    resync() {
      selecting.clear();
      for (const s of store.list('Service').items as Service[]) {
        rememberService(s, false);
        queue.add(keyOf(s));
      }
      // Once after a start: which pods the Services select, so a later label change is noticed on both sides.
      if (!started) for (const p of store.list('Pod').items as Pod[]) onPod(p, false);
      started = true;
    },
    idle: () => queue.idle(),
    stop: () => queue.stop(),
  };
}
