import { isKedgeError } from '../../shared/errors.js';
import { kinds } from '../../shared/kinds.js';
import type { Store, StoreEvent } from '../store/types.js';
import { createWorkQueue } from './queue.js';
import type { ControllerDeps } from './deployment.js';

/**
 * Garbage collection through ownerReferences (background propagation): when an owner goes, what it
 * owned goes after it. A periodic sweep also catches orphans left by a crash between the two.
 */
export function createGarbageCollector(deps: ControllerDeps) {
  const queue = createWorkQueue({ name: 'gc', reconcile: sweep, log: deps.log });

  function sweep(namespace: string) {
    const alive = new Set<string>();
    for (const k of kinds) for (const o of deps.store.list(k.kind, k.namespaced ? { namespace } : {}).items) alive.add(o.metadata.uid!);
    for (const k of kinds.filter((k) => k.namespaced)) {
      for (const o of deps.store.list(k.kind, { namespace }).items) {
        const owners = o.metadata.ownerReferences ?? [];
        if (owners.length === 0 || owners.some((r) => alive.has(r.uid))) continue;
        try {
          deps.store.delete(k.kind, namespace, o.metadata.name!);
          deps.log?.(`gc: deleted ${k.kind.toLowerCase()} ${namespace}/${o.metadata.name} (owner gone)`);
        } catch (e) {
          if (!isKedgeError(e, 'NotFound')) throw e;
        }
      }
    }
  }

  return {
    onEvent(e: StoreEvent) {
      if (e.type === 'DELETED' && e.object.metadata.namespace) queue.add(e.object.metadata.namespace);
    },
    resync() {
      for (const ns of deps.store.list('Namespace').items) queue.add(ns.metadata.name!);
    },
    idle: () => queue.idle(),
    stop: () => queue.stop(),
  };
}
