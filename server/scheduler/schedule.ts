import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { preferredAffinityShare } from './affinity.js';
import { dynamicFilters, firstFailure, podHostPorts, staticFilters, type NodeState, type PodInfo } from './filters.js';
import { addResources, nodeAllocatable, noResources, podRequests } from './resources.js';
import { toleration } from './taints.js';
import { controllerOf } from '../../shared/meta.js';

export interface Placement {
  /** namespace/name of the pod. */
  pod: string;
  node: string;
}

export interface Unschedulable {
  pod: string;
  /** e.g. "0/3 nodes are available: 2 Insufficient memory, 1 node(s) didn't match Pod's node affinity/selector." */
  message: string;
}

export interface ScheduleResult {
  placements: Placement[];
  unschedulable: Unschedulable[];
}

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

function ownerUid(pod: Pod): string | undefined {
  return controllerOf(pod)?.uid ?? pod.metadata.ownerReferences?.[0]?.uid;
}

function podInfo(pod: Pod): PodInfo {
  return { pod, req: podRequests(pod), hostPorts: podHostPorts(pod), tolerations: pod.spec.tolerations ?? [] };
}

function place(state: NodeState, p: PodInfo): void {
  state.used = addResources(state.used, p.req);
  for (const hp of p.hostPorts) state.hostPorts.add(hp);
  const owner = ownerUid(p.pod);
  if (owner) state.owners.set(owner, (state.owners.get(owner) ?? 0) + 1);
}

/** One sibling of the same owner, a full preferred-affinity match and one PreferNoSchedule taint weigh the same. */
const step = 10;

/** A node's verdict for one pod shape: the static filters' reason, else the static part of the score. */
interface Fit {
  reason: string | null;
  /** Minus up to a step for preferred node affinity, plus a step per PreferNoSchedule taint not tolerated. */
  bias: number;
}

function staticFit(p: PodInfo, s: NodeState): Fit {
  const reason = firstFailure(staticFilters, p, s);
  if (reason) return { reason, bias: 0 };
  const avoided = (s.node.spec?.taints ?? []).filter((t) => t.effect === 'PreferNoSchedule' && !toleration(p.tolerations, t)).length;
  return { reason: null, bias: avoided * step - preferredAffinityShare(p.pod, s.node) * step };
}

/** What the static filters and the static score read of a pod: pods of one owner share it. */
function shapeKey(pod: Pod): string {
  return JSON.stringify([pod.spec.nodeSelector ?? null, pod.spec.affinity?.nodeAffinity ?? null, pod.spec.tolerations ?? null]);
}

/** Enough for the owners of a large batch; beyond it fits are computed per pod, to bound memory (shapes × nodes). */
const maxShapes = 256;

/**
 * Lower is better: the fuller of cpu and memory after placing (0..1, least allocated wins among
 * equals), plus a step per sibling already there (spread), plus the shape's static bias.
 */
function score(state: NodeState, p: PodInfo, owner: string | undefined, bias: number): number {
  const { used, allocatable } = state;
  const cpu = allocatable.cpuMillis > 0 ? (used.cpuMillis + p.req.cpuMillis) / allocatable.cpuMillis : 1;
  const mem = allocatable.memoryBytes > 0 ? (used.memoryBytes + p.req.memoryBytes) / allocatable.memoryBytes : 1;
  const siblings = owner ? (state.owners.get(owner) ?? 0) : 0;
  return siblings * step + (cpu > mem ? cpu : mem) + bias;
}

/**
 * Places pending pods on nodes: pure, no I/O (controllers apply the placements; tests need no store). `pods` are the pods already bound to nodes.
 * Pending pods are placed one by one, each seeing the ones placed before it.
 */
export function schedule(nodes: Node[], pods: Pod[], pending: Pod[]): ScheduleResult {
  const states: NodeState[] = [];
  const byName = new Map<string, NodeState>();
  // In name order, so that among equal scores the first wins without comparing names.
  for (const node of [...nodes].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0))) {
    const s: NodeState = { node, allocatable: nodeAllocatable(node), used: { ...noResources }, hostPorts: new Set(), owners: new Map() };
    states.push(s);
    byName.set(node.metadata.name!, s);
  }
  for (const pod of pods) {
    const s = pod.spec.nodeName ? byName.get(pod.spec.nodeName) : undefined;
    if (s && !isTerminal(pod)) place(s, podInfo(pod));
  }
  const shapes = new Map<string, Fit[]>();
  const fitsOf = (info: PodInfo): Fit[] => {
    const key = shapeKey(info.pod);
    const hit = shapes.get(key);
    if (hit) return hit;
    const fits = states.map((s) => staticFit(info, s));
    if (shapes.size < maxShapes) shapes.set(key, fits);
    return fits;
  };
  const result: ScheduleResult = { placements: [], unschedulable: [] };
  const ordered = [...pending].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || podKey(a).localeCompare(podKey(b)));
  for (const pod of ordered) {
    const info = podInfo(pod);
    const owner = ownerUid(pod);
    const fits = fitsOf(info);
    const reasons = new Map<string, number>();
    let best: NodeState | undefined;
    let bestScore = Infinity;
    for (let i = 0; i < states.length; i++) {
      const s = states[i]!;
      const fit = fits[i]!;
      // Quick accept before the dynamic filters: enough room and no host ports is the common case.
      const roomy =
        s.used.pods < s.allocatable.pods &&
        s.used.cpuMillis + info.req.cpuMillis <= s.allocatable.cpuMillis &&
        s.used.memoryBytes + info.req.memoryBytes <= s.allocatable.memoryBytes &&
        info.hostPorts.length === 0;
      const why = fit.reason ?? (roomy ? null : firstFailure(dynamicFilters, info, s));
      if (why) {
        reasons.set(why, (reasons.get(why) ?? 0) + 1);
        continue;
      }
      const sc = score(s, info, owner, fit.bias);
      if (sc < bestScore) {
        best = s;
        bestScore = sc;
      }
    }
    if (best) {
      place(best, info);
      result.placements.push({ pod: podKey(pod), node: best.node.metadata.name! });
    } else {
      result.unschedulable.push({ pod: podKey(pod), message: unschedulableMessage(states.length, reasons) });
    }
  }
  return result;
}

export function unschedulableMessage(total: number, reasons: Map<string, number>): string {
  if (total === 0) return '0/0 nodes are available: no nodes have joined the cluster.';
  const parts = [...reasons.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([r, n]) => `${n} ${r}`);
  return `0/${total} nodes are available: ${parts.join(', ')}.`;
}

export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}
