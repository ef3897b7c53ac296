import { isDeepStrictEqual } from 'node:util';
import { isKedgeError } from '../../shared/errors.js';
import type { KObject } from '../../shared/meta.js';
import { deleteObject } from '../deletion/delete.js';
import type { Store } from '../store/types.js';
import { randomSuffix } from './template-hash.js';

/**
 * Deletes an object as the API does (a pod on a node gets its grace period and goes Terminating);
 * false when it was already gone or already going (another controller or the user was faster).
 */
export function deleteIfPresent(store: Store, kind: string, namespace: string, name: string, now?: () => Date): boolean {
  try {
    return deleteObject(store, kind, namespace, name, {}, { now }).plan !== 'pending';
  } catch (e) {
    if (isKedgeError(e, 'NotFound')) return false;
    throw e;
  }
}

/** Creates a generated-name object (`<prefix>-<5 random>`), picking another suffix if the name is taken. */
export function createWithFreshName<T extends KObject>(store: Store, obj: T, prefix: string, random: () => number): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return store.create(obj) as T;
    } catch (e) {
      if (!isKedgeError(e, 'AlreadyExists') || attempt >= 5) throw e;
      obj = { ...obj, metadata: { ...obj.metadata, name: `${prefix}-${randomSuffix(random)}` } };
    }
  }
}

/** Writes the status subresource of the current object when it differs (a same-uid check guards a recreated object). */
export function writeStatus(store: Store, kind: string, obj: KObject, status: unknown): void {
  const fresh = store.get(kind, obj.metadata.namespace ?? '', obj.metadata.name!);
  if (!fresh || fresh.metadata.uid !== obj.metadata.uid || isDeepStrictEqual(fresh.status, status)) return;
  store.update({ ...fresh, status }, { subresource: 'status' });
}
