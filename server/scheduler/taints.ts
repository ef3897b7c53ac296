import type { Taint } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';

export type Toleration = NonNullable<Pod['spec']['tolerations']>[number];

/** Kubernetes' ToleratesTaint: an empty effect or key matches any; Exists ignores the value. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/** The first of `tolerations` that tolerates `taint`, if any. */
export function toleration(tolerations: readonly Toleration[], taint: Taint): Toleration | undefined {
  return tolerations.find((t) => toleratesTaint(t, taint));
}

/** The first NoSchedule/NoExecute taint the tolerations do not tolerate (PreferNoSchedule only weighs on the score). */
export function untoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | undefined {
  return taints.find((t) => t.effect !== 'PreferNoSchedule' && !toleration(tolerations, t));
}

/** Kubernetes' wording: {key: value}. */
export function taintText(t: Taint): string {
  return `{${t.key}: ${t.value ?? ''}}`;
}
