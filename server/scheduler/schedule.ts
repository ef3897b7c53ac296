import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { filters, podHostPorts, type NodeState } from './filters.js';
import { addResources, nodeAllocatable, noResources, podRequests, type Resources } from './resources.js';

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
  return pod.metadata.ownerReferences?.find((o) => o.controller)?.uid ?? pod.metadata.ownerReferences?.[0]?.uid;
}

function place(state: NodeState, pod: Pod, req: Resources): void {
  state.used = addResources(state.used, req);
  for (const p of podHostPorts(pod)) state.hostPorts.add(p);
  const owner = ownerUid(pod);
  if (owner) state.owners.set(owner, (state.owners.get(owner) ?? 0) + 1);
}

/** Lower is better: the fuller of cpu and memory after placing, plus a spread penalty per sibling already there. */
function score(state: NodeState, req: Resources, owner: string | undefined): number {
  const frac = (used: number, add: number, total: number) => (total > 0 ? (used + add) / total : 1);
  const fullness = Math.max(
    frac(state.used.cpuMillis, req.cpuMillis, state.allocatable.cpuMillis),
    frac(state.used.memoryBytes, req.memoryBytes, state.allocatable.memoryBytes),
  );
  const siblings = owner ? (state.owners.get(owner) ?? 0) : 0;
  return siblings * 10 + fullness;
}

/**
 * Places pending pods on nodes (STYLE rule 2: pure, no I/O). `pods` are the pods already bound to nodes.
 * Pending pods are placed one by one, each seeing the ones placed before it.
 */
export function schedule(nodes: Node[], pods: Pod[], pending: Pod[]): ScheduleResult {
  const states = new Map<string, NodeState>();
  for (const node of nodes) {
    states.set(node.metadata.name!, { node, allocatable: nodeAllocatable(node), used: { ...noResources }, hostPorts: new Set(), owners: new Map() });
  }
  for (const pod of pods) {
    const s = pod.spec.nodeName ? states.get(pod.spec.nodeName) : undefined;
    if (s && !isTerminal(pod)) place(s, pod, podRequests(pod));
  }
  const result: ScheduleResult = { placements: [], unschedulable: [] };
  const ordered = [...pending].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || podKey(a).localeCompare(podKey(b)));
  for (const pod of ordered) {
    const req = podRequests(pod);
    const owner = ownerUid(pod);
    const reasons = new Map<string, number>();
    let best: NodeState | undefined;
    let bestScore = Infinity;
    for (const s of states.values()) {
      const why = firstFailure(pod, s, req);
      if (why) {
        reasons.set(why, (reasons.get(why) ?? 0) + 1);
        continue;
      }
      const sc = score(s, req, owner);
      if (sc < bestScore || (sc === bestScore && best && s.node.metadata.name! < best.node.metadata.name!)) {
        best = s;
        bestScore = sc;
      }
    }
    if (best) {
      place(best, pod, req);
      result.placements.push({ pod: podKey(pod), node: best.node.metadata.name! });
    } else {
      result.unschedulable.push({ pod: podKey(pod), message: unschedulableMessage(states.size, reasons) });
    }
  }
  return result;
}

function firstFailure(pod: Pod, s: NodeState, req: Resources): string | null {
  for (const f of filters) {
    const why = f(pod, s, req);
    if (why) return why;
  }
  return null;
}

export function unschedulableMessage(total: number, reasons: Map<string, number>): string {
  if (total === 0) return '0/0 nodes are available: no nodes have joined the cluster.';
  const parts = [...reasons.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([r, n]) => `${n} ${r}`);
  return `0/${total} nodes are available: ${parts.join(', ')}.`;
}

export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}
