import { readyConditionOf } from '../../shared/meta.js';
import { isPodReady, type Pod } from '../../shared/pod.js';
import { isPodActive } from './pod-active.js';

/** When the pod last became Ready (ms), or undefined when it is not Ready. */
function readySince(pod: Pod): number | undefined {
  const c = readyConditionOf(pod);
  if (c?.status !== 'True') return undefined;
  const t = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** Kubernetes' IsPodAvailable: active and Ready for at least minReadySeconds. */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  if (!isPodActive(pod) || !isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = readySince(pod);
  return since !== undefined && since + minReadySeconds * 1000 <= now.getTime();
}

/** How long until the first ready-but-not-yet-available pod becomes available (ms), for a timed re-check. */
export function nextAvailableInMs(pods: Pod[], minReadySeconds: number, now: Date): number | undefined {
  if (minReadySeconds <= 0) return undefined;
  let best: number | undefined;
  for (const p of pods) {
    if (!isPodActive(p) || !isPodReady(p)) continue;
    const since = readySince(p);
    if (since === undefined) continue;
    const wait = since + minReadySeconds * 1000 - now.getTime();
    if (wait > 0 && (best === undefined || wait < best)) best = wait;
  }
  return best;
}

export interface PodCounts {
  /** Active (not terminal, not being deleted). */
  replicas: number;
  ready: number;
  available: number;
  /** Not finished, terminating ones included (what Recreate waits for). */
  present: number;
}

export function countPods(pods: Pod[], minReadySeconds: number, now: Date): PodCounts {
  const active = pods.filter(isPodActive);
  return {
    replicas: active.length,
    ready: active.filter(isPodReady).length,
    available: active.filter((p) => isPodAvailable(p, minReadySeconds, now)).length,
    present: pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length,
  };
}
