import type { Deployment } from '../../shared/deployment.js';
import type { ReplicaSet } from '../../shared/replicaset.js';
import type { PodCounts } from './pod-availability.js';
import { deploymentLimits } from './int-or-percent.js';

/** One ReplicaSet as a rollout step sees it: the replicas it is asked for and what its pods are doing. */
export interface RsView {
  rs: ReplicaSet;
  /** spec.replicas, as this step leaves it. */
  replicas: number;
  pods: PodCounts;
}

const sum = (vs: RsView[], f: (v: RsView) => number) => vs.reduce((n, v) => n + f(v), 0);
const byAge = (a: RsView, b: RsView) =>
  (a.rs.metadata.creationTimestamp ?? '').localeCompare(b.rs.metadata.creationTimestamp ?? '') || (a.rs.metadata.name ?? '').localeCompare(b.rs.metadata.name ?? '');

/**
 * One step of a RollingUpdate, as Kubernetes' rolloutRolling: first scale the new ReplicaSet up
 * within maxSurge; only when that is not possible, scale old ones down within maxUnavailable.
 * Changes `replicas` of the views in place; returns whether anything changed.
 */
export function rollingStep(d: Deployment, newRs: RsView, olds: RsView[]): boolean {
  const replicas = d.spec.replicas ?? 1;
  const { maxSurge, maxUnavailable } = deploymentLimits(d);
  const all = [newRs, ...olds];

  // reconcileNewReplicaSet
  if (newRs.replicas > replicas) {
    newRs.replicas = replicas;
    return true;
  }
  if (newRs.replicas < replicas) {
    const current = sum(all, (v) => v.replicas);
    const room = Math.min(replicas + maxSurge - current, replicas - newRs.replicas);
    if (room > 0) {
      newRs.replicas += room;
      return true;
    }
  }

  // reconcileOldReplicaSets
  if (sum(olds, (v) => v.replicas) === 0) return false;
  const minAvailable = replicas - maxUnavailable;
  const newUnavailable = Math.max(0, newRs.replicas - newRs.pods.available);
  const maxScaledDown = sum(all, (v) => v.replicas) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;

  let changed = false;
  // Unhealthy old pods go first: removing them costs no availability.
  let cleaned = 0;
  for (const v of [...olds].sort(byAge)) {
    if (cleaned >= maxScaledDown) break;
    const unhealthy = v.replicas - Math.min(v.replicas, v.pods.available);
    if (v.replicas === 0 || unhealthy === 0) continue;
    const n = Math.min(maxScaledDown - cleaned, unhealthy);
    v.replicas -= n;
    cleaned += n;
    changed = true;
  }
  // Then available ones, while enough stay available.
  const available = sum(all, (v) => Math.min(v.replicas, v.pods.available));
  let budget = available - minAvailable;
  for (const v of [...olds].sort(byAge)) {
    if (budget <= 0) break;
    if (v.replicas === 0) continue;
    const n = Math.min(v.replicas, budget);
    v.replicas -= n;
    budget -= n;
    changed = true;
  }
  return changed;
}

export type RecreatePhase = 'scaling-down' | 'waiting-for-old-pods' | 'scaling-up' | 'done';

/**
 * One step of Recreate: scale every old ReplicaSet to 0, wait until their pods are gone,
 * then bring the new one to `replicas`. `newRs` may be undefined until old pods are gone.
 */
export function recreateStep(d: Deployment, newRs: RsView | undefined, olds: RsView[]): RecreatePhase {
  const active = olds.filter((v) => v.replicas > 0);
  if (active.length) {
    for (const v of active) v.replicas = 0;
    return 'scaling-down';
  }
  if (olds.some((v) => v.pods.present > 0)) return 'waiting-for-old-pods';
  const replicas = d.spec.replicas ?? 1;
  if (newRs && newRs.replicas !== replicas) {
    newRs.replicas = replicas;
    return 'scaling-up';
  }
  return newRs ? 'done' : 'scaling-up';
}
