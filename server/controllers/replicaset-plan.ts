import type { ReplicaSet } from '../../shared/replicaset.js';
import { isPodReady, type Pod } from '../../shared/pod.js';
import { fromLabelSelector, matches } from '../../shared/selector.js';
import { isPodAvailable, nextAvailableInMs } from './pod-availability.js';
import { isPodActive } from './pod-active.js';
import { controllerRef, podFromTemplate } from './pod-template.js';
import { readyConditionOf } from '../../shared/meta.js';

export type ReplicaSetStatus = NonNullable<ReplicaSet['status']>;

export interface ReplicaSetPlan {
  create: Pod[];
  delete: Pod[];
  /** Orphan pods matching the selector, with this ReplicaSet added as their controller. */
  adopt: Pod[];
  status: ReplicaSetStatus;
  /** Look again after this long (a pod will have been ready for minReadySeconds). */
  requeueAfterMs?: number;
}

/**
 * What to change so that `replicas` active pods owned by the ReplicaSet exist, as plain data the
 * caller applies (so the tests exercise the decisions without a store). `owned` are the pods it
 * controls; `orphans` are pods of its namespace without a controller.
 */
export function planReplicaSet(rs: ReplicaSet, owned: Pod[], orphans: Pod[], now: Date, random: () => number = Math.random): ReplicaSetPlan {
  const replicas = rs.spec.replicas ?? 1;
  const minReady = rs.spec.minReadySeconds ?? 0;
  const selector = fromLabelSelector(rs.spec.selector);
  const adopt = orphans
    .filter((p) => isPodActive(p) && selector.length > 0 && matches(selector, p.metadata.labels))
    .map((p) => ({ ...p, metadata: { ...p.metadata, ownerReferences: [...(p.metadata.ownerReferences ?? []), controllerRef(ownerOf(rs))] } }));
  // Finished pods no longer count; they are removed and replaced.
  const finished = owned.filter((p) => !isPodActive(p) && !p.metadata.deletionTimestamp);
  const active = [...owned.filter(isPodActive), ...adopt];

  const create: Pod[] = [];
  let surplus: Pod[] = [];
  if (active.length < replicas) {
    const names = new Set(owned.map((p) => p.metadata.name));
    while (create.length < replicas - active.length) {
      const pod = podFromTemplate(ownerOf(rs), rs.metadata.namespace!, rs.spec.template, random);
      if (names.has(pod.metadata.name)) continue;
      names.add(pod.metadata.name);
      create.push(pod);
    }
  } else if (active.length > replicas) surplus = deletionOrder(active).slice(0, active.length - replicas);

  const kept = active.filter((p) => !surplus.includes(p));
  const templateLabels = rs.spec.template.metadata?.labels ?? {};
  const fullyLabeled = kept.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length + create.length;
  const status: ReplicaSetStatus = {
    replicas: kept.length + create.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: kept.filter(isPodReady).length,
    availableReplicas: kept.filter((p) => isPodAvailable(p, minReady, now)).length,
    observedGeneration: rs.metadata.generation,
  };
  return { create, delete: [...surplus, ...finished], adopt, status, requeueAfterMs: nextAvailableInMs(kept, minReady, now) };
}

function ownerOf(rs: ReplicaSet) {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name!, uid: rs.metadata.uid! };
}

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** Kubernetes' ActivePodsWithRanks order: the pods to give up first come first. */
export function deletionOrder(pods: Pod[]): Pod[] {
  const readySince = (p: Pod) => (isPodReady(p) ? readyConditionOf(p)?.lastTransitionTime ?? '' : '');
  const restarts = (p: Pod) => (p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
  return [...pods].sort((a, b) => {
    const assigned = Number(!!a.spec.nodeName) - Number(!!b.spec.nodeName);
    if (assigned) return assigned;
    const phase = (phaseRank[a.status?.phase ?? 'Pending'] ?? 0) - (phaseRank[b.status?.phase ?? 'Pending'] ?? 0);
    if (phase) return phase;
    const ready = Number(isPodReady(a)) - Number(isPodReady(b));
    if (ready) return ready;
    // Ready for less time goes first.
    if (isPodReady(a)) {
      const since = readySince(b).localeCompare(readySince(a));
      if (since) return since;
    }
    const r = restarts(b) - restarts(a);
    if (r) return r;
    // Newer first.
    return (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
  });
}
