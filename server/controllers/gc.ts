import { isKedgeError } from '../../shared/errors.js';
import type { StoreEvent } from '../store/types.js';
import { createWorkQueue } from './queue.js';
import type { ControllerDeps } from './deployment.js';

/**
 * Garbage collection through ownerReferences (background propagation): when an owner goes, what it
 * owned goes after it, unless another of its owners is still there. Work is keyed by the owner's uid
 * and found through the store's owner index; the periodic pass catches orphans left by a crash
 * between the two.
 */
export function createGarbageCollector(deps: ControllerDeps) {
  const queue = createWorkQueue({ name: 'gc', reconcile: (uid) => deps.store.batch(() => collect(uid)), log: deps.log });

  function collect(ownerUid: string) {
    const { store } = deps;
    if (store.uidExists(ownerUid)) return;
    for (const o of store.ownedBy(ownerUid)) {
      const others = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
      if (others.some((r) => store.uidExists(r.uid))) continue;
      const namespace = o.metadata.namespace ?? '';
      try {
        store.delete(o.kind, namespace, o.metadata.name!);
        deps.log?.(`gc: deleted ${o.kind.toLowerCase()} ${namespace ? `${namespace}/` : ''}${o.metadata.name} (owner gone)`);
      } catch (e) {
        if (!isKedgeError(e, 'NotFound')) throw e;
      }
    }
  }

  return {
    onEvent(e: StoreEvent) {
      if (e.type === 'DELETED' && e.object.metadata.uid) queue.add(e.object.metadata.uid);
    },
    resync() {
      for (const uid of deps.store.missingOwners()) queue.add(uid);
    },
    idle: () => queue.idle(),
    stop: () => queue.stop(),
  };
}
