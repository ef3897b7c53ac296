import { KedgeError, isKedgeError } from '../../shared/errors.js';
import { kinds } from '../../shared/kinds.js';
import type { KObject } from '../../shared/meta.js';
import type { Store } from '../store/types.js';

/** Creates the `default` namespace on first start; a no-op afterwards. */
export function ensureDefaultNamespace(store: Store): void {
  if (store.get('Namespace', '', 'default')) return;
  try {
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' }, status: { phase: 'Active' } });
  } catch (e) {
    if (!isKedgeError(e, 'AlreadyExists')) throw e;
  }
}

/**
 * Deletes a namespace and, first, every object inside it, so nothing is left orphaned in a namespace
 * that no longer exists. `default` cannot be deleted, as in Kubernetes.
 */
export function deleteNamespace(store: Store, name: string): KObject {
  if (name === 'default') throw new KedgeError('Forbidden', 'namespaces "default" is forbidden: this namespace may not be deleted');
  if (!store.get('Namespace', '', name)) throw new KedgeError('NotFound', `namespaces "${name}" not found`, { details: { kind: 'namespaces', name } });
  for (const info of kinds) {
    if (!info.namespaced) continue;
    for (const obj of store.list(info.kind, { namespace: name }).items) store.delete(info.kind, name, obj.metadata.name!);
  }
  return store.delete('Namespace', '', name);
}
