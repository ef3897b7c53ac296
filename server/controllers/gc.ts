import { foregroundFinalizer, orphanFinalizer } from '../../shared/delete-options.js';
import { isKedgeError } from '../../shared/errors.js';
import { kinds } from '../../shared/kinds.js';
import type { KObject, OwnerReference } from '../../shared/meta.js';
import { deleteObject } from '../deletion/delete.js';
import type { StoreEvent } from '../store/types.js';
import { createWorkQueue } from './queue.js';
import type { ControllerDeps } from './deployment.js';

const gcFinalizers = [orphanFinalizer, foregroundFinalizer];
const hasGcFinalizer = (o: KObject) => !!o.metadata.deletionTimestamp && !!o.metadata.finalizers?.some((f) => gcFinalizers.includes(f));

/**
 * Garbage collection through ownerReferences, as Kubernetes' collector does it. Background: when an
 * owner is gone, what it owned goes after it, unless another owner is still there. Foreground (the
 * owner holds the foregroundDeletion finalizer): its dependents are deleted first, and the finalizer
 * goes once those with blockOwnerDeletion are gone. Orphan (the orphan finalizer): the dependents
 * lose their ownerReference to it, then the finalizer goes. Work is keyed by the owner's uid and
 * found through the store's owner index; the periodic pass catches what a crash left between writes.
 */
export function createGarbageCollector(deps: ControllerDeps) {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const queue = createWorkQueue({ name: 'gc', reconcile: (uid) => store.batch(() => collect(uid)), log: deps.log });
  /** Owners waiting for their dependents: events about what they own bring them back to the queue. */
  const waiting = new Set<string>();
  let scanned = false;

  const where = (o: KObject) => `${o.kind.toLowerCase()} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

  /** An owner that keeps a dependent alive: there, and not itself waiting for its dependents to go. */
  function solid(uid: string): boolean {
    const o = store.getByUid(uid);
    return !!o && !(o.metadata.deletionTimestamp && o.metadata.finalizers?.includes(foregroundFinalizer));
  }

  function collect(uid: string) {
    const owner = store.getByUid(uid);
    waiting.delete(uid);
    if (!owner) return collectDependents(uid);
    if (!hasGcFinalizer(owner)) return;
    if (owner.metadata.finalizers!.includes(orphanFinalizer)) orphanDependents(owner);
    else if (!deleteDependentsFirst(owner)) {
      waiting.add(uid);
      return;
    }
    const finalizers = (owner.metadata.finalizers ?? []).filter((f) => !gcFinalizers.includes(f));
    const fresh = store.get(owner.kind, owner.metadata.namespace ?? '', owner.metadata.name!)!;
    // Removing the last finalizer lets the store remove the owner.
    store.update({ ...fresh, metadata: { ...fresh.metadata, finalizers } });
    deps.log?.(`gc: ${where(owner)}: dependents ${owner.metadata.finalizers!.includes(orphanFinalizer) ? 'orphaned' : 'deleted'}; finalizer removed`);
  }

  /** The owner is gone: its dependents without another solid owner go too, each by its own finalizers' policy. */
  function collectDependents(ownerUid: string) {
    for (const o of store.ownedBy(ownerUid)) {
      const refs = o.metadata.ownerReferences ?? [];
      if (refs.some((r) => r.uid !== ownerUid && solid(r.uid))) {
        // Another owner keeps it: only the references to owners that are gone go (Kubernetes does the same).
        setOwnerRefs(o, refs.filter((r) => store.uidExists(r.uid)));
        continue;
      }
      if (o.metadata.deletionTimestamp) continue;
      if (remove(o)) deps.log?.(`gc: deleting ${where(o)} (owner gone)`);
    }
  }

  function orphanDependents(owner: KObject) {
    for (const o of store.ownedBy(owner.metadata.uid!)) setOwnerRefs(o, (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid));
  }

  /** Foreground: deletes the dependents; true once none that blocks the owner's deletion is left. */
  function deleteDependentsFirst(owner: KObject): boolean {
    const uid = owner.metadata.uid!;
    for (const o of store.ownedBy(uid)) {
      const refs = o.metadata.ownerReferences ?? [];
      if (refs.some((r) => r.uid !== uid && solid(r.uid))) setOwnerRefs(o, refs.filter((r) => r.uid !== uid));
      else if (!o.metadata.deletionTimestamp) {
        // A dependent with dependents of its own is deleted in the foreground too, so the wait reaches all the way down.
        remove(o, store.ownedBy(o.metadata.uid!).length > 0);
      }
    }
    return !store.ownedBy(uid).some((o) => blocks(o.metadata.ownerReferences, uid));
  }

  function remove(o: KObject, foreground = false): boolean {
    try {
      return deleteObject(store, o.kind, o.metadata.namespace ?? '', o.metadata.name!, foreground ? { propagationPolicy: 'Foreground' } : {}, { now }).plan !== 'pending';
    } catch (e) {
      if (isKedgeError(e, 'NotFound')) return false;
      throw e;
    }
  }

  function setOwnerRefs(o: KObject, refs: OwnerReference[]) {
    if (refs.length === (o.metadata.ownerReferences ?? []).length) return;
    const { ownerReferences: _old, ...metadata } = o.metadata;
    store.update({ ...o, metadata: refs.length ? { ...metadata, ownerReferences: refs } : metadata });
  }

  return {
    onEvent(e: StoreEvent) {
      const o = e.object;
      const uid = o.metadata.uid;
      if (!uid) return;
      if (e.type === 'DELETED' || hasGcFinalizer(o)) queue.add(uid);
      if (waiting.size) for (const r of o.metadata.ownerReferences ?? []) if (waiting.has(r.uid)) queue.add(r.uid);
    },
    resync() {
      for (const uid of store.missingOwners()) queue.add(uid);
      for (const uid of waiting) queue.add(uid);
      // After a restart: owners that were waiting for their dependents when the server stopped.
      if (!scanned) for (const info of kinds) for (const o of store.list(info.kind).items) if (hasGcFinalizer(o)) queue.add(o.metadata.uid!);
      scanned = true;
    },
    idle: () => queue.idle(),
    stop: () => queue.stop(),
  };
}

function blocks(refs: OwnerReference[] | undefined, uid: string): boolean {
  return !!refs?.some((r) => r.uid === uid && r.blockOwnerDeletion);
}
