import { isDeepStrictEqual } from 'node:util';
import type { Deployment } from '../../shared/deployment.js';
import type { ReplicaSet } from '../../shared/replicaset.js';
import {
  annotationsNotCopied,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  revisionAnnotation,
  revisionHistoryAnnotation,
  templateHashLabel,
} from '../../shared/revisions.js';
import { controllerRef } from './pod-template.js';

/** The ReplicaSet of the Deployment's current template: `<deploy>-<hash>`, the hash label on selector, template and itself. */
export function newReplicaSetFor(d: Deployment, hash: string, revision: string): ReplicaSet {
  const t = d.spec.template;
  const labels = { ...(t.metadata?.labels ?? {}), [templateHashLabel]: hash };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels,
      annotations: { [revisionAnnotation]: revision },
      ownerReferences: [controllerRef({ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name!, uid: d.metadata.uid! })],
    },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec.minReadySeconds ?? 0,
      selector: { ...structuredClone(d.spec.selector), matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [templateHashLabel]: hash } },
      template: { ...structuredClone(t), metadata: { ...structuredClone(t.metadata ?? {}), labels } },
    },
  };
  return rs;
}

/**
 * A ReplicaSet's annotations after a step (Kubernetes' SetNewReplicaSetAnnotations and
 * SetReplicasAnnotations): replica counts always; for the new one, the Deployment's own
 * annotations (change-cause among them) and a revision that only moves up, the one it
 * replaces going to revision-history.
 */
export function replicaSetAnnotations(d: Deployment, rs: ReplicaSet, o: { revision?: string; maxSurge: number }): Record<string, string> {
  const out = { ...(rs.metadata.annotations ?? {}) };
  const replicas = d.spec.replicas ?? 1;
  out[desiredReplicasAnnotation] = String(replicas);
  out[maxReplicasAnnotation] = String(replicas + o.maxSurge);
  if (o.revision === undefined) return out;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!annotationsNotCopied.has(k)) out[k] = v;
  const before = out[revisionAnnotation];
  if (before !== undefined && before !== o.revision && Number(before) < Number(o.revision)) {
    out[revisionHistoryAnnotation] = out[revisionHistoryAnnotation] ? `${out[revisionHistoryAnnotation]},${before}` : before;
  }
  if (before === undefined || Number(before) < Number(o.revision)) out[revisionAnnotation] = o.revision;
  return out;
}

/** The ReplicaSet with these replicas, annotations and minReadySeconds; the same object when nothing changes. */
export function withReplicas(rs: ReplicaSet, replicas: number, annotations: Record<string, string>, minReadySeconds?: number): ReplicaSet {
  const minReady = minReadySeconds ?? rs.spec.minReadySeconds;
  if ((rs.spec.replicas ?? 1) === replicas && isDeepStrictEqual(rs.metadata.annotations ?? {}, annotations) && rs.spec.minReadySeconds === minReady) return rs;
  return { ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec, replicas, ...(minReady !== undefined ? { minReadySeconds: minReady } : {}) } };
}
