import type { KObject } from '../../shared/meta.js';

/**
 * An object being deleted that nothing holds any more: no finalizers, no grace period still
 * running (a pod's node has not yet stopped it) and, for a namespace, no contents finalizer in
 * its spec. Such an object is removed instead of written, as Kubernetes' registry does.
 */
export function deletionFinished(obj: KObject): boolean {
  const m = obj.metadata;
  if (!m.deletionTimestamp || (m.finalizers?.length ?? 0) > 0 || (m.deletionGracePeriodSeconds ?? 0) > 0) return false;
  if (obj.kind === 'Namespace' && ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers?.length ?? 0) > 0) return false;
  return true;
}
