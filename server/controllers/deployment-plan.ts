import type { Condition } from '../../shared/meta.js';
import type { Deployment, DeploymentStatus } from '../../shared/deployment.js';
import type { Pod } from '../../shared/pod.js';
import { isPodActive, isPodReady } from './pod-ready.js';
import { randomSuffix, templateHash } from './template-hash.js';

export interface DeploymentPlan {
  create: Pod[];
  delete: Pod[];
  status: DeploymentStatus;
}

export const templateHashLabel = 'pod-template-hash';

/**
 * What to change so that `replicas` pods of the current template exist (STYLE rule 3: plan, then apply).
 * Pods of an older template are replaced; rolling updates with surge limits build on this later.
 */
export function planDeployment(d: Deployment, owned: Pod[], now: Date, random: () => number = Math.random): DeploymentPlan {
  const replicas = d.spec.replicas ?? 1;
  const hash = templateHash(d.spec.template);
  const active = owned.filter(isPodActive);
  const current = active.filter((p) => p.metadata.labels?.[templateHashLabel] === hash);
  const old = active.filter((p) => p.metadata.labels?.[templateHashLabel] !== hash);

  const toDelete: Pod[] = [...old];
  if (current.length > replicas) toDelete.push(...pickSurplus(current, current.length - replicas));
  const create: Pod[] = [];
  for (let i = current.length; i < replicas; i++) create.push(podFor(d, hash, now, random));
  // Finished pods (Succeeded/Failed) are replaced above and cleaned here.
  toDelete.push(...owned.filter((p) => !isPodActive(p) && !p.metadata.deletionTimestamp));

  const keep = current.filter((p) => !toDelete.includes(p));
  const ready = keep.filter(isPodReady).length;
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: keep.length + create.length,
    updatedReplicas: keep.length + create.length,
    readyReplicas: ready,
    availableReplicas: ready,
    unavailableReplicas: Math.max(0, replicas - ready),
    conditions: conditionsFor(d, ready >= replicas, now),
  };
  return { create, delete: toDelete, status };
}

/** Which pods go first when scaling down: unscheduled, then not ready, then the newest. */
function pickSurplus(pods: Pod[], n: number): Pod[] {
  const rank = (p: Pod) => (!p.spec.nodeName ? 0 : !isPodReady(p) ? 1 : 2);
  return [...pods]
    .sort((a, b) => rank(a) - rank(b) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''))
    .slice(0, n);
}

function podFor(d: Deployment, hash: string, now: Date, random: () => number): Pod {
  const t = d.spec.template;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${d.metadata.name}-${hash}-${randomSuffix(random)}`,
      namespace: d.metadata.namespace,
      labels: { ...(t.metadata?.labels ?? {}), [templateHashLabel]: hash },
      annotations: t.metadata?.annotations,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name!, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: structuredClone(t.spec),
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Pending', lastTransitionTime: now.toISOString() }] },
  };
}

function conditionsFor(d: Deployment, available: boolean, now: Date): Condition[] {
  const prev = (d.status?.conditions ?? []) as Condition[];
  const cond = (type: string, status: 'True' | 'False', reason: string, message: string): Condition => {
    const old = prev.find((c) => c.type === type);
    const same = old && old.status === status && old.reason === reason;
    return { type, status, reason, message, lastUpdateTime: same ? old.lastUpdateTime : now.toISOString(), lastTransitionTime: same ? old.lastTransitionTime : now.toISOString() };
  };
  return [
    cond('Available', available ? 'True' : 'False', available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.'),
    cond('Progressing', 'True', available ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', available ? `Deployment "${d.metadata.name}" has successfully progressed.` : `Deployment "${d.metadata.name}" is progressing.`),
  ];
}
