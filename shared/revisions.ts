import { isDeepStrictEqual } from 'node:util';
import type { PodTemplate } from './pod.js';

/** Names Kubernetes gives the bookkeeping of Deployment revisions; kubectl and kedge read the same ones. */
export const templateHashLabel = 'pod-template-hash';
export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
export const changeCauseAnnotation = 'kubernetes.io/change-cause';
export const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';
export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** Annotations that belong to one object and are never copied between a Deployment and its ReplicaSets. */
export const annotationsNotCopied = new Set([
  lastAppliedAnnotation,
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  'deprecated.deployment.rollback.to',
]);

/** The revision number an object carries; 0 when it has none or it is not a number. */
export function revisionOf(o: { metadata: { annotations?: Record<string, string> } }): number {
  const v = o.metadata.annotations?.[revisionAnnotation];
  return v !== undefined && /^[0-9]+$/.test(v) ? Number(v) : 0;
}

/** A ReplicaSet's template as the Deployment wrote it: without the pod-template-hash label. */
export function withoutHashLabel(t: PodTemplate): PodTemplate {
  const copy = structuredClone(t);
  if (copy.metadata?.labels) delete copy.metadata.labels[templateHashLabel];
  return copy;
}

/**
 * Drops what a Go client writes for an unset field (null, "", {} and [], as `resources: {}` from
 * kubectl's rollback): Kubernetes compares decoded structs, where those equal an absent field.
 */
function withoutEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutEmpty);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const y = withoutEmpty(x);
    const empty = y === null || y === undefined || y === '' || (Array.isArray(y) && y.length === 0) || (typeof y === 'object' && y !== null && !Array.isArray(y) && Object.keys(y).length === 0);
    if (!empty) out[k] = y;
  }
  return out;
}

/** Kubernetes' EqualIgnoreHash: the same template once the pod-template-hash label is dropped from both. */
export function equalIgnoringHash(a: PodTemplate, b: PodTemplate): boolean {
  const plain = (t: PodTemplate) => withoutEmpty(JSON.parse(JSON.stringify(withoutHashLabel(t))));
  return isDeepStrictEqual(plain(a), plain(b));
}
