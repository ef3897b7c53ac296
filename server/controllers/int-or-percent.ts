import type { Deployment } from '../../shared/deployment.js';

export type IntOrPercent = number | string;

/** Kubernetes' GetScaledValueFromIntOrPercent: "25%" of `total`, rounded up or down; numbers as they are. */
export function scaledValue(v: IntOrPercent | undefined, fallback: IntOrPercent, total: number, roundUp: boolean): number {
  const value = v ?? fallback;
  if (typeof value === 'number') return value;
  const m = /^([0-9]+)%$/.exec(value);
  if (!m) return 0; // admission refuses anything else
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export interface RollingLimits {
  maxSurge: number;
  maxUnavailable: number;
}

/**
 * Kubernetes' ResolveFenceposts: surge rounds up, unavailable rounds down; when both come to 0
 * (small replica counts with percentages) one pod may be unavailable, or the rollout could never move.
 */
export function deploymentLimits(d: Deployment): RollingLimits {
  const replicas = d.spec.replicas ?? 1;
  const ru = d.spec.strategy?.rollingUpdate;
  const maxSurge = scaledValue(ru?.maxSurge, '25%', replicas, true);
  let maxUnavailable = scaledValue(ru?.maxUnavailable, '25%', replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** Kubernetes' MaxUnavailable, for the Available condition: 0 for Recreate, never above replicas. */
export function maxUnavailableForAvailability(d: Deployment): number {
  const replicas = d.spec.replicas ?? 1;
  if ((d.spec.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate' || replicas === 0) return 0;
  return Math.min(deploymentLimits(d).maxUnavailable, replicas);
}

/** Zero, whether written 0 or "0%". */
export function isZero(v: IntOrPercent | undefined): boolean {
  return v === 0 || v === '0%';
}
