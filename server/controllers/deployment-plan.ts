import { type Condition, controllerOf } from '../../shared/meta.js';
import type { Deployment, DeploymentStatus } from '../../shared/deployment.js';
import type { Pod } from '../../shared/pod.js';
import type { ReplicaSet } from '../../shared/replicaset.js';
import { equalIgnoringHash, revisionAnnotation, revisionOf, templateHashLabel } from '../../shared/revisions.js';
import { deploymentLimits } from './int-or-percent.js';
import { countPods, nextAvailableInMs } from './pod-availability.js';
import { recreateStep, rollingStep, type RsView } from './deployment-rollout.js';
import { countStatus, isComplete, newCondition, rolloutConditions, setCondition } from './deployment-status.js';
import { newReplicaSetFor, replicaSetAnnotations, withReplicas } from './deployment-replicasets.js';
import { templateHash } from './template-hash.js';

export { templateHashLabel };

export interface DeploymentPlanInput {
  d: Deployment;
  /** ReplicaSets the Deployment controls. */
  replicaSets: ReplicaSet[];
  /** Pods those ReplicaSets control. */
  pods: Pod[];
  /** Pods the Deployment controls directly (made by kedge before ReplicaSets existed). */
  legacyPods?: Pod[];
  /** Every ReplicaSet name in the namespace, to avoid a name another object holds. */
  takenNames?: Set<string>;
  now: Date;
}

export interface DeploymentPlan {
  createReplicaSet?: ReplicaSet;
  /** Whole objects to write: new replicas counts and annotations. */
  updateReplicaSets: ReplicaSet[];
  /** Old, empty ReplicaSets beyond revisionHistoryLimit. */
  deleteReplicaSets: ReplicaSet[];
  /** Legacy pods of the current template: to be controlled by the new ReplicaSet. */
  adoptPods: Pod[];
  /** Legacy pods of other templates. */
  deletePods: Pod[];
  /** The Deployment's revision annotation, when it must change. */
  revision?: string;
  status: DeploymentStatus;
  requeueAfterMs?: number;
}

/**
 * What to change for one Deployment, decided as Kubernetes' deployment controller does:
 * find or create the ReplicaSet of the current template, take one rollout step, prune history,
 * compute status. Pure: the caller applies the plan.
 */
export function planDeployment(input: DeploymentPlanInput): DeploymentPlan {
  const { d, now } = input;
  const minReady = d.spec.minReadySeconds ?? 0;
  const podsOf = (rs: ReplicaSet) => input.pods.filter((p) => controllerOf(p)?.uid === rs.metadata.uid);
  const view = (rs: ReplicaSet): RsView => ({ rs, replicas: rs.spec.replicas ?? 1, pods: countPods(podsOf(rs), minReady, now) });

  const sorted = [...input.replicaSets].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
  const existingNew = sorted.find((rs) => equalIgnoringHash(rs.spec.template, d.spec.template));
  const olds = sorted.filter((rs) => rs !== existingNew).map(view);
  const maxOldRevision = Math.max(0, ...olds.map((v) => revisionOf(v.rs)));
  const plan: DeploymentPlan = { updateReplicaSets: [], deleteReplicaSets: [], adoptPods: [], deletePods: [], status: {} };
  let conditions: Condition[] = [...(d.status?.conditions ?? [])];

  let newView = existingNew ? view(existingNew) : undefined;
  if (existingNew && !d.status?.conditions?.some((c) => c.type === 'Progressing')) {
    conditions = setCondition(conditions, newCondition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${existingNew.metadata.name}"`, now));
  }
  const legacy = input.legacyPods ?? [];
  const hash = existingNew?.metadata.labels?.[templateHashLabel] ?? freeHash(d, input.takenNames ?? new Set());
  const legacyCurrent = legacy.filter((p) => p.metadata.labels?.[templateHashLabel] === hash && !p.metadata.deletionTimestamp);
  plan.deletePods = legacy.filter((p) => !legacyCurrent.includes(p));

  const strategy = d.spec.strategy?.type ?? 'RollingUpdate';
  // A new ReplicaSet is made when a rollout needs it: at once for RollingUpdate, after old pods are gone for Recreate.
  const makeNew = () => {
    const created = newReplicaSetFor(d, hash, String(maxOldRevision + 1));
    plan.createReplicaSet = created;
    conditions = setCondition(conditions, newCondition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${created.metadata.name}"`, now));
    return { rs: created, replicas: 0, pods: countPods([], minReady, now) } satisfies RsView;
  };
  if (!newView && legacyCurrent.length) newView = makeNew();
  plan.adoptPods = legacyCurrent;

  if (d.spec.paused) {
    // Paused: no rollout; a lone current ReplicaSet still follows scaling.
    if (newView && olds.every((v) => v.replicas === 0)) newView.replicas = d.spec.replicas ?? 1;
  } else if (strategy === 'Recreate') {
    const phase = recreateStep(d, newView, olds);
    if (phase === 'scaling-up' && !newView) {
      newView = makeNew();
      recreateStep(d, newView, olds);
    }
  } else {
    newView ??= makeNew();
    rollingStep(d, newView, olds);
  }

  const all = newView ? [newView, ...olds] : olds;
  // Scaled ReplicaSets get their new size and replica annotations; the new one also the Deployment's annotations and revision.
  const { maxSurge } = deploymentLimits(d);
  const currentRevision = newView ? String(Math.max(revisionOf(newView.rs), maxOldRevision + 1)) : undefined;
  for (const v of all) {
    const isNew = v === newView;
    if (!isNew && v.replicas === (v.rs.spec.replicas ?? 1)) continue;
    const annotations = replicaSetAnnotations(d, v.rs, { revision: isNew ? currentRevision : undefined, maxSurge });
    const next = withReplicas(v.rs, v.replicas, annotations, isNew ? minReady : undefined);
    if (v.rs === plan.createReplicaSet) plan.createReplicaSet = next;
    else if (next !== v.rs) plan.updateReplicaSets.push(next);
  }
  if (currentRevision && d.metadata.annotations?.[revisionAnnotation] !== currentRevision) plan.revision = currentRevision;

  const status = countStatus(d, newView, all);
  if (!olds.some((v) => v.replicas > 0 || v.pods.replicas > 0) && (isComplete(d, status) || d.spec.paused)) {
    plan.deleteReplicaSets = historyToPrune(d, olds);
  }
  const c = rolloutConditions(d, status, conditions, newView?.rs.metadata.name, now);
  plan.status = { ...status, conditions: c.conditions };
  const waits = [c.deadlineInMs, nextAvailableInMs(input.pods, minReady, now)].filter((x): x is number => x !== undefined);
  if (waits.length) plan.requeueAfterMs = Math.min(...waits);
  return plan;
}

/** Kubernetes' cleanupDeployment: the oldest revisions beyond the limit, when they hold nothing. */
function historyToPrune(d: Deployment, olds: RsView[]): ReplicaSet[] {
  const limit = d.spec.revisionHistoryLimit ?? 10;
  const alive = olds.filter((v) => !v.rs.metadata.deletionTimestamp);
  const excess = alive.length - limit;
  if (excess <= 0) return [];
  return alive
    .sort((a, b) => revisionOf(a.rs) - revisionOf(b.rs) || (a.rs.metadata.creationTimestamp ?? '').localeCompare(b.rs.metadata.creationTimestamp ?? ''))
    .slice(0, excess)
    .filter((v) => v.replicas === 0 && v.pods.replicas === 0)
    .map((v) => v.rs);
}

/** The template's hash, or (when another object already holds that name) a variant, as Kubernetes' collisionCount does. */
function freeHash(d: Deployment, taken: Set<string>): string {
  let hash = templateHash(d.spec.template);
  for (let n = 1; taken.has(`${d.metadata.name}-${hash}`) && n < 10; n++) hash = templateHash({ template: d.spec.template, collisionCount: n });
  return hash;
}
