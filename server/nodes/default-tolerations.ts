import type { Toleration } from '../scheduler/taints.js';
import { notReadyTaintKey, unreachableTaintKey } from './lifecycle-taints.js';

/** Kubernetes' default: 300 s; kedge's edge default is much shorter (failover in seconds, not minutes). */
export const defaultPodEvictionTimeoutMs = 20_000;

function tolerates(tolerations: readonly Toleration[], key: string): boolean {
  return tolerations.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute'));
}

/**
 * Kubernetes' DefaultTolerationSeconds admission: a pod that says nothing about not-ready or
 * unreachable nodes tolerates them for `seconds`, then is evicted. A pod that does say (e.g. a
 * toleration without tolerationSeconds, for an app pinned to its device) is left as it is.
 * Returns the same array when nothing is added.
 */
export function withDefaultTolerations(tolerations: Toleration[] | undefined, seconds: number): Toleration[] {
  const have = tolerations ?? [];
  const added: Toleration[] = [];
  for (const key of [notReadyTaintKey, unreachableTaintKey]) {
    if (!tolerates(have, key)) added.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  }
  return added.length ? [...have, ...added] : have;
}
