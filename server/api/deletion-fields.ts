import { foregroundFinalizer, orphanFinalizer } from '../../shared/delete-options.js';
import { KedgeError } from '../../shared/errors.js';
import type { KObject } from '../../shared/meta.js';
import type { Operation } from './admission.js';

/**
 * What a client may not do with the fields of deletion (Kubernetes' BeforeCreate, BeforeUpdate and
 * ValidateObjectMetaUpdate): a new object is never being deleted; an update can neither start nor
 * move a deletion (deletionTimestamp and deletionGracePeriodSeconds stay as stored) nor add
 * finalizers to an object being deleted. Removing a finalizer is how its owner lets the object go.
 */
export function applyDeletionFieldRules(obj: KObject, op: Operation, existing?: KObject): void {
  const meta = obj.metadata;
  const finalizers = meta.finalizers ?? [];
  if (finalizers.includes(orphanFinalizer) && finalizers.includes(foregroundFinalizer)) {
    throw invalid(obj, `Invalid value: ${goStrings(finalizers)}: finalizer ${orphanFinalizer} and ${foregroundFinalizer} cannot be both set`);
  }
  if (op === 'create' || !existing) {
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    return;
  }
  const before = existing.metadata;
  restore(meta, before, 'deletionTimestamp');
  restore(meta, before, 'deletionGracePeriodSeconds');
  if (before.deletionTimestamp) {
    const had = new Set(before.finalizers ?? []);
    const added = [...new Set(finalizers.filter((f) => !had.has(f)))];
    if (added.length) throw invalid(obj, `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${goStrings(added)}`, 'FieldValueForbidden');
  }
  // A namespace's contents finalizer belongs to the namespace controller (Kubernetes' namespace strategy).
  if (obj.kind === 'Namespace') {
    const kept = (existing.spec as { finalizers?: string[] } | undefined)?.finalizers;
    obj.spec = { ...((obj.spec ?? {}) as object), ...(kept ? { finalizers: kept } : {}) };
    if (!kept) delete (obj.spec as { finalizers?: string[] }).finalizers;
  }
}

function restore<K extends 'deletionTimestamp' | 'deletionGracePeriodSeconds'>(meta: KObject['metadata'], before: KObject['metadata'], key: K): void {
  if (before[key] === undefined) delete meta[key];
  else meta[key] = before[key];
}

/** Go's %#v of a []string, as Kubernetes' messages print finalizer lists. */
function goStrings(list: string[]): string {
  return `[]string{${list.map((f) => JSON.stringify(f)).join(', ')}}`;
}

function invalid(obj: KObject, message: string, reason = 'FieldValueInvalid'): KedgeError {
  const field = 'metadata.finalizers';
  return new KedgeError('Invalid', `${obj.kind} "${obj.metadata.name ?? ''}" is invalid: ${field}: ${message}`, {
    details: { kind: obj.kind, name: obj.metadata.name, causes: [{ field, message, reason }] },
  });
}
