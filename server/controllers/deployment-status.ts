import type { Condition } from '../../shared/meta.js';
import type { Deployment, DeploymentStatus } from '../../shared/deployment.js';
import { maxUnavailableForAvailability } from './int-or-percent.js';
import type { RsView } from './deployment-rollout.js';

export const defaultProgressDeadlineSeconds = 600;

const sum = (vs: RsView[], f: (v: RsView) => number) => vs.reduce((n, v) => n + f(v), 0);

/** Kubernetes' calculateStatus, counting pods directly (fresher than ReplicaSet status). */
export function countStatus(d: Deployment, newRs: RsView | undefined, all: RsView[]): DeploymentStatus {
  const available = sum(all, (v) => v.pods.available);
  return {
    observedGeneration: d.metadata.generation,
    replicas: sum(all, (v) => v.pods.replicas),
    updatedReplicas: newRs?.pods.replicas ?? 0,
    readyReplicas: sum(all, (v) => v.pods.ready),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sum(all, (v) => v.replicas) - available),
  };
}

/** Kubernetes' SetDeploymentCondition: same status and reason changes nothing; same status keeps the transition time. */
export function setCondition(conditions: Condition[], c: Condition): Condition[] {
  const cur = conditions.find((x) => x.type === c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return conditions;
  const next = cur && cur.status === c.status ? { ...c, lastTransitionTime: cur.lastTransitionTime } : c;
  return [...conditions.filter((x) => x.type !== c.type), next];
}

export function newCondition(type: string, status: Condition['status'], reason: string, message: string, now: Date): Condition {
  const t = now.toISOString().replace(/\.\d+Z$/, 'Z');
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function isComplete(d: Deployment, s: DeploymentStatus): boolean {
  const replicas = d.spec.replicas ?? 1;
  return s.updatedReplicas === replicas && s.replicas === replicas && s.availableReplicas === replicas && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** Progress since the last written status: more updated, ready or available pods, or fewer old ones. */
function progressed(prev: DeploymentStatus | undefined, s: DeploymentStatus): boolean {
  const p = prev ?? {};
  const oldBefore = (p.replicas ?? 0) - (p.updatedReplicas ?? 0);
  const oldNow = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (p.updatedReplicas ?? 0) || oldNow < oldBefore || (s.readyReplicas ?? 0) > (p.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (p.availableReplicas ?? 0);
}

export interface Conditions {
  conditions: Condition[];
  /** When the progress deadline would pass (ms from now), if a rollout is under way. */
  deadlineInMs?: number;
}

/**
 * Available and Progressing as Kubernetes' syncRolloutStatus sets them. `base` holds the
 * conditions so far (with NewReplicaSetCreated/FoundNewReplicaSet from this step when set).
 */
export function rolloutConditions(d: Deployment, s: DeploymentStatus, base: Condition[], newRsName: string | undefined, now: Date): Conditions {
  const replicas = d.spec.replicas ?? 1;
  let conditions = base;
  const availableOk = (s.availableReplicas ?? 0) >= replicas - maxUnavailableForAvailability(d);
  conditions = availableOk
    ? setCondition(conditions, newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now))
    : setCondition(conditions, newCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now));

  const current = conditions.find((c) => c.type === 'Progressing');
  if (d.spec.paused) {
    if (!current || current.reason !== 'DeploymentPaused') conditions = setCondition(conditions, newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', now));
    return { conditions };
  }
  if (current?.reason === 'DeploymentPaused') {
    conditions = setCondition(conditions, newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', now));
  }
  const who = newRsName ? `ReplicaSet "${newRsName}"` : `Deployment "${d.metadata.name}"`;
  const deadline = (d.spec.progressDeadlineSeconds ?? defaultProgressDeadlineSeconds) * 1000;
  if (isComplete(d, s)) {
    return { conditions: setCondition(conditions, newCondition('Progressing', 'True', 'NewReplicaSetAvailable', `${who} has successfully progressed.`, now)) };
  }
  if (progressed(d.status, s)) {
    // Progress moves lastUpdateTime (what the deadline counts from) even when the reason stays.
    const c = newCondition('Progressing', 'True', 'ReplicaSetUpdated', `${who} is progressing.`, now);
    const cur = conditions.find((x) => x.type === 'Progressing');
    if (cur?.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
    return { conditions: [...conditions.filter((x) => x.type !== 'Progressing'), c], deadlineInMs: deadline };
  }
  const cur = conditions.find((x) => x.type === 'Progressing');
  if (!cur || cur.reason === 'NewReplicaSetAvailable') return { conditions };
  if (cur.reason === 'ProgressDeadlineExceeded') return { conditions };
  const from = Date.parse(cur.lastUpdateTime ?? cur.lastTransitionTime ?? '') || now.getTime();
  const left = from + deadline - now.getTime();
  if (left < 0) {
    return { conditions: setCondition(conditions, newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', `${who} has timed out progressing.`, now)) };
  }
  return { conditions, deadlineInMs: left };
}
