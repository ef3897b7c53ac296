import { isNodeReady, type Node, type Taint } from '../../shared/node.js';
import { isPodReady, type Pod } from '../../shared/pod.js';
import { toleration, type Toleration } from '../scheduler/taints.js';
import { withDefaultTolerations } from './default-tolerations.js';
import { readyConditionOf } from '../../shared/meta.js';

export interface EvictionInput {
  nodes: Node[];
  pods: Pod[];
  /** ms since the epoch. */
  now: number;
  /** tolerationSeconds for pods that say nothing about unreachable/not-ready nodes. */
  defaultTolerationSeconds: number;
  /** No countdown starts before this (ms): after a server restart nodes get the whole grace to reconnect. */
  notBefore?: number;
}

export interface Eviction {
  pod: Pod;
  node: string;
  /** The NoExecute taint that decided it. */
  taint: Taint;
  /** 'untolerated': no toleration at all; 'expired': tolerationSeconds ran out. */
  why: 'untolerated' | 'expired';
}

export interface EvictionPlan {
  evict: Eviction[];
  /** When the next pod's toleration runs out (ms), if any is counting down. */
  nextAt?: number;
}

/**
 * Kubernetes' getMinTolerationTime: the shortest tolerationSeconds among the tolerations used
 * (≤ 0 means now); undefined when none of them sets one (tolerated forever).
 */
export function minTolerationSeconds(used: readonly Toleration[]): number | undefined {
  let min: number | undefined;
  for (const t of used) {
    if (t.tolerationSeconds === undefined) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = min === undefined ? t.tolerationSeconds : Math.min(min, t.tolerationSeconds);
  }
  return min;
}

function taintTime(t: Taint, fallback: number): number {
  const at = t.timeAdded ? Date.parse(t.timeAdded) : NaN;
  return Number.isFinite(at) ? at : fallback;
}

/**
 * Which pods to evict from nodes with NoExecute taints, and when to look again (pure, like the
 * scheduler). A taint without timeAdded counts from `now`; the controller fills in when it first saw it.
 */
export function planEvictions(input: EvictionInput): EvictionPlan {
  const nodes = new Map(input.nodes.map((n) => [n.metadata.name!, n]));
  const plan: EvictionPlan = { evict: [] };
  for (const pod of input.pods) {
    // A pod stopping gracefully on an unreachable node is evicted like any other; one already forced out waits for its finalizers.
    if (!pod.spec.nodeName || (pod.metadata.deletionTimestamp && !pod.metadata.deletionGracePeriodSeconds)) continue;
    const node = nodes.get(pod.spec.nodeName);
    const taints = (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
    if (!node || taints.length === 0) continue;
    const tolerations = withDefaultTolerations(pod.spec.tolerations, input.defaultTolerationSeconds);
    const used: Toleration[] = [];
    const untolerated = taints.find((t) => {
      const hit = toleration(tolerations, t);
      if (hit) used.push(hit);
      return !hit;
    });
    if (untolerated) {
      plan.evict.push({ pod, node: pod.spec.nodeName, taint: untolerated, why: 'untolerated' });
      continue;
    }
    const seconds = minTolerationSeconds(used);
    if (seconds === undefined) continue;
    // The earliest taint starts the countdown, as Kubernetes keeps the first scheduled eviction.
    const first = taints.reduce((a, b) => (taintTime(b, input.now) < taintTime(a, input.now) ? b : a));
    const since = Math.max(taintTime(first, input.now), input.notBefore ?? -Infinity);
    const deadline = since + seconds * 1000;
    if (deadline <= input.now) plan.evict.push({ pod, node: pod.spec.nodeName, taint: first, why: 'expired' });
    else plan.nextAt = Math.min(plan.nextAt ?? Infinity, deadline);
  }
  return plan;
}

/** Pods on nodes that are not Ready whose Ready condition still says True (Kubernetes' MarkPodsNotReady). */
export function podsToMarkNotReady(nodes: Node[], pods: Pod[]): Pod[] {
  const notReady = new Set(
    nodes.filter((n) => readyConditionOf(n) !== undefined && !isNodeReady(n)).map((n) => n.metadata.name!),
  );
  if (notReady.size === 0) return [];
  return pods.filter((p) => p.spec.nodeName && notReady.has(p.spec.nodeName) && !p.metadata.deletionTimestamp && isPodReady(p));
}
