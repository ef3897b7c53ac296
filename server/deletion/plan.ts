import { foregroundFinalizer, orphanFinalizer, type PropagationPolicy } from '../../shared/delete-options.js';
import { KedgeError } from '../../shared/errors.js';
import { kindByName } from '../../shared/kinds.js';
import type { KObject } from '../../shared/meta.js';
import type { Pod } from '../../shared/pod.js';
import { deletionFinished } from '../store/deletion-finished.js';

/** What a DELETE asks for, in Kubernetes' terms (DeleteOptions, already checked). */
export interface DeleteRequest {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeletionContext {
  now: Date;
  /** Whether a node of this name exists: a pod bound to a node that is gone cannot wait for it. */
  nodeExists(name: string): boolean;
}

export type DeletionPlan =
  /** Nothing holds the object: remove it now (as `object`, its last state). */
  | { type: 'remove'; object: KObject }
  /** Write this: deletionTimestamp, grace period and finalizers set; the object goes when they are done. */
  | { type: 'mark'; object: KObject }
  /** A graceful deletion is already under way and this request does not shorten it: nothing to write. */
  | { type: 'pending'; object: KObject };

/** The namespace finalizer in spec.finalizers that holds a namespace until its contents are gone. */
export const namespaceContentsFinalizer = 'kubernetes';

const defaultPodGraceSeconds = 30;

/**
 * How long a pod gets to stop (Kubernetes' CheckGracefulDelete): the request's period, else its
 * terminationGracePeriodSeconds, else 30; none when it never reached a node (or its node is gone)
 * or when it has already finished. Negative periods count as 1 s, as in Kubernetes.
 */
export function podGracePeriod(pod: Pod, requested: number | undefined, nodeExists: (name: string) => boolean): number {
  let period = requested ?? pod.spec.terminationGracePeriodSeconds ?? defaultPodGraceSeconds;
  if (!pod.spec.nodeName || !nodeExists(pod.spec.nodeName)) period = 0;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') period = 0;
  return period < 0 ? 1 : period;
}

/**
 * The finalizers a deletion leaves on the object: the orphan or foregroundDeletion finalizer as the
 * policy asks; without a policy, one already on the object stays (Kubernetes'
 * deletionFinalizersForGarbageCollection). Background, the default of every kind kedge serves, adds none.
 */
export function finalizersFor(obj: KObject, policy: PropagationPolicy | undefined): string[] {
  const current = obj.metadata.finalizers ?? [];
  const firstGc = current.find((f) => f === orphanFinalizer || f === foregroundFinalizer);
  const effective = policy ?? (firstGc === orphanFinalizer ? 'Orphan' : firstGc === foregroundFinalizer ? 'Foreground' : 'Background');
  const rest = current.filter((f) => f !== orphanFinalizer && f !== foregroundFinalizer);
  if (effective === 'Orphan') return [...rest, orphanFinalizer];
  if (effective === 'Foreground') return [...rest, foregroundFinalizer];
  return rest;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * What deleting `obj` does (pure; Kubernetes' BeforeDelete and the registry's delete): a pod on a
 * node is marked with deletionTimestamp (when its grace period ends) and waits for its node; any
 * object with finalizers waits for them; a second delete may only shorten a grace period.
 */
export function planDeletion(obj: KObject, req: DeleteRequest, ctx: DeletionContext): DeletionPlan {
  checkPreconditions(obj, req);
  const meta = { ...obj.metadata };
  const grace = req.gracePeriodSeconds !== undefined && req.gracePeriodSeconds < 0 ? 1 : req.gracePeriodSeconds;

  if (meta.deletionTimestamp) {
    const given = meta.deletionGracePeriodSeconds ?? 0;
    if (given > 0) {
      if (grace === undefined || grace >= given) return { type: 'pending', object: obj };
      // Shortened: the deadline moves by the difference, as in Kubernetes.
      const deadline = Date.parse(meta.deletionTimestamp) - (given - grace) * 1000;
      meta.deletionTimestamp = iso(Number.isNaN(deadline) ? ctx.now.getTime() : deadline);
      meta.deletionGracePeriodSeconds = grace;
    }
  } else {
    const period = obj.kind === 'Pod' ? podGracePeriod(obj as Pod, grace, ctx.nodeExists) : 0;
    meta.deletionTimestamp = iso(ctx.now.getTime() + period * 1000);
    meta.deletionGracePeriodSeconds = period;
  }

  const finalizers = finalizersFor(obj, req.propagationPolicy);
  if (finalizers.length) meta.finalizers = finalizers;
  else delete meta.finalizers;
  const next: KObject = { ...obj, metadata: meta };
  if (obj.kind === 'Namespace') return { type: 'mark', object: terminatingNamespace(next, !obj.metadata.deletionTimestamp) };
  if (!deletionFinished(next)) return { type: 'mark', object: next };
  // Pods (graceful in Kubernetes) and objects already being deleted leave with their deletion fields set.
  return { type: 'remove', object: obj.kind === 'Pod' || obj.metadata.deletionTimestamp ? next : obj };
}

/** A namespace being deleted shows phase Terminating; the first deletion adds the finalizer that holds it until it is empty. */
function terminatingNamespace(ns: KObject, first: boolean): KObject {
  const spec = (ns.spec ?? {}) as { finalizers?: string[] };
  const finalizers = first && !spec.finalizers?.includes(namespaceContentsFinalizer) ? [...(spec.finalizers ?? []), namespaceContentsFinalizer] : spec.finalizers;
  return { ...ns, spec: { ...spec, ...(finalizers ? { finalizers } : {}) }, status: { ...((ns.status ?? {}) as object), phase: 'Terminating' } };
}

function checkPreconditions(obj: KObject, req: DeleteRequest): void {
  const p = req.preconditions;
  const what = `${kindByName(obj.kind)?.plural ?? obj.kind} "${obj.metadata.name}"`;
  if (p?.uid !== undefined && p.uid !== obj.metadata.uid) {
    throw new KedgeError('Conflict', `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${obj.metadata.uid} (${what})`, { details: { kind: obj.kind, name: obj.metadata.name } });
  }
  if (p?.resourceVersion !== undefined && p.resourceVersion !== obj.metadata.resourceVersion) {
    throw new KedgeError('Conflict', `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion} (${what})`, {
      details: { kind: obj.kind, name: obj.metadata.name },
    });
  }
}
