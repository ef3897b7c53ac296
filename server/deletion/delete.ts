import { KedgeError } from '../../shared/errors.js';
import { kindByName } from '../../shared/kinds.js';
import type { KObject } from '../../shared/meta.js';
import type { Store } from '../store/types.js';
import { planDeletion, type DeleteRequest, type DeletionPlan } from './plan.js';

export interface DeleteOutcome {
  /** The object as it is now: with deletionTimestamp while something holds it, its last state once removed. */
  object: KObject;
  /** Gone from the store. */
  removed: boolean;
  /** What the deletion did: removed it, marked it, or found a deletion already under way. */
  plan: DeletionPlan['type'];
}

export interface DeleteDeps {
  now?: () => Date;
}

/**
 * Deletes an object the way Kubernetes' API does (plan.ts decides, this writes): pods wait for their
 * node to stop them, objects with finalizers wait for them, everything else goes at once.
 */
export function deleteObject(store: Store, kind: string, namespace: string, name: string, req: DeleteRequest = {}, deps: DeleteDeps = {}): DeleteOutcome {
  return store.batch(() => {
    const obj = store.get(kind, namespace, name);
    if (!obj) throw new KedgeError('NotFound', `${kindByName(kind)?.plural ?? kind} "${name}" not found`, { details: { kind: kindByName(kind)?.plural ?? kind, name } });
    const plan = planDeletion(obj, req, { now: (deps.now ?? (() => new Date()))(), nodeExists: (node) => store.get('Node', '', node) !== undefined });
    if (plan.type === 'pending') return { object: plan.object, removed: false, plan: plan.type };
    if (plan.type === 'remove') {
      // Written with its deletion fields, the store removes it: watchers see them on the DELETED object.
      const last = plan.object === obj ? store.delete(kind, namespace, name) : store.update(plan.object, { expectResourceVersion: obj.metadata.resourceVersion });
      return { object: last, removed: true, plan: plan.type };
    }
    const written = store.update(plan.object, { expectResourceVersion: obj.metadata.resourceVersion });
    return { object: written, removed: store.get(kind, namespace, name) === undefined, plan: plan.type };
  });
}
