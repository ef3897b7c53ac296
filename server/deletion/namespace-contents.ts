import { isKedgeError } from '../../shared/errors.js';
import { kinds } from '../../shared/kinds.js';
import type { Store } from '../store/types.js';
import { deleteObject } from './delete.js';
import { namespaceContentsFinalizer } from './plan.js';

/**
 * One pass of emptying a namespace that is being deleted (Kubernetes' namespace controller): every
 * object inside is deleted (pods wait for their nodes, objects with finalizers for those); once
 * nothing is left, the contents finalizer goes and with it the namespace, unless finalizers of its
 * own still hold it. Returns how many objects are still inside.
 */
export function removeNamespaceContents(store: Store, name: string, now: () => Date = () => new Date()): number {
  return store.batch(() => {
    const ns = store.get('Namespace', '', name);
    if (!ns?.metadata.deletionTimestamp) return 0;
    let left = 0;
    for (const info of kinds) {
      if (!info.namespaced) continue;
      for (const obj of store.list(info.kind, { namespace: name }).items) {
        if (!obj.metadata.deletionTimestamp && gone(() => deleteObject(store, info.kind, name, obj.metadata.name!, {}, { now }).removed)) continue;
        left++;
      }
    }
    const spec = (ns.spec ?? {}) as { finalizers?: string[] };
    if (left === 0 && spec.finalizers?.includes(namespaceContentsFinalizer)) {
      const finalizers = spec.finalizers.filter((f) => f !== namespaceContentsFinalizer);
      store.update({ ...ns, spec: { ...spec, finalizers } });
    }
    return left;
  });
}

/** Runs a deletion; an object someone else removed meanwhile counts as gone. */
function gone(del: () => boolean): boolean {
  try {
    return del();
  } catch (e) {
    if (isKedgeError(e, 'NotFound')) return true;
    throw e;
  }
}
