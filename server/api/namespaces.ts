import { KedgeError, isKedgeError } from '../../shared/errors.js';
import type { KindInfo } from '../../shared/kinds.js';
import { deleteObject, type DeleteOutcome } from '../deletion/delete.js';
import { removeNamespaceContents } from '../deletion/namespace-contents.js';
import type { DeleteRequest } from '../deletion/plan.js';
import type { Store } from '../store/types.js';

/** The namespaces every Kubernetes cluster has; manifests (the docs' fluentd DaemonSet, …) expect them. */
export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

/** Creates the system namespaces that are missing: all of them on first start, new ones in an older data dir. */
export function ensureSystemNamespaces(store: Store): void {
  for (const name of systemNamespaces) {
    if (store.get('Namespace', '', name)) continue;
    try {
      store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } });
    } catch (e) {
      if (!isKedgeError(e, 'AlreadyExists')) throw e;
    }
  }
}

/**
 * Deletes a namespace as Kubernetes does: it turns Terminating, everything inside is deleted, and
 * it goes once nothing is left (at once when nothing inside has to wait). The system namespaces
 * cannot be deleted (Kubernetes' NamespaceLifecycle admission).
 */
export function deleteNamespace(store: Store, name: string, req: DeleteRequest, now: () => Date = () => new Date()): DeleteOutcome {
  if ((systemNamespaces as readonly string[]).includes(name)) {
    throw new KedgeError('Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { details: { kind: 'namespaces', name } });
  }
  const outcome = deleteObject(store, 'Namespace', '', name, req, { now });
  removeNamespaceContents(store, name, now);
  const after = store.get('Namespace', '', name);
  return after ? { ...outcome, object: after } : { ...outcome, removed: true };
}

/**
 * New objects need a namespace that exists and is not being deleted; Kubernetes' wording, so that
 * tools which recognise it (waiting for the namespace to go, then retrying) work with kedge too.
 */
export function checkNamespaceAcceptsNew(store: Store, info: KindInfo, namespace: string, name: string | undefined): void {
  const ns = store.get('Namespace', '', namespace);
  if (!ns) throw new KedgeError('NotFound', `namespaces "${namespace}" not found`, { details: { kind: 'namespaces', name: namespace } });
  if (ns.metadata.deletionTimestamp) {
    throw new KedgeError('Forbidden', `${info.plural} "${name ?? ''}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
      details: { kind: info.plural, name, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] },
    });
  }
}
