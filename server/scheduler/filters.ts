import { isNodeReady, type Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { matchesNodeSelectorAndAffinity } from './affinity.js';
import type { Resources } from './resources.js';
import { taintText, untoleratedTaint, type Toleration } from './taints.js';

/** The state of one node as the scheduler sees it while placing a batch. */
export interface NodeState {
  node: Node;
  allocatable: Resources;
  used: Resources;
  hostPorts: Set<string>;
  /** owner uid → number of its pods on this node, for spreading. */
  owners: Map<string, number>;
}

/** What the filters need of a pending pod, computed once per pod rather than once per node. */
export interface PodInfo {
  pod: Pod;
  req: Resources;
  hostPorts: string[];
  tolerations: Toleration[];
}

/** A filter answers null when the pod may go on the node, else the reason (Kubernetes' wording, to group in messages). */
export type Filter = (p: PodInfo, state: NodeState) => string | null;

export const affinityReason = "node(s) didn't match Pod's node affinity/selector";

const nodeReady: Filter = (_p, s) => (isNodeReady(s.node) ? null : 'node(s) were not ready');

const schedulable: Filter = (_p, s) => (s.node.spec?.unschedulable ? 'node(s) were unschedulable' : null);

const nodeAffinity: Filter = (p, s) => (matchesNodeSelectorAndAffinity(p.pod, s.node) ? null : affinityReason);

const taints: Filter = (p, s) => {
  const t = untoleratedTaint(s.node.spec?.taints ?? [], p.tolerations);
  return t ? `node(s) had untolerated taint ${taintText(t)}` : null;
};

const resources: Filter = ({ req }, s) => {
  if (s.used.pods + 1 > s.allocatable.pods) return 'Too many pods';
  if (req.cpuMillis > 0 && s.used.cpuMillis + req.cpuMillis > s.allocatable.cpuMillis) return 'Insufficient cpu';
  if (req.memoryBytes > 0 && s.used.memoryBytes + req.memoryBytes > s.allocatable.memoryBytes) return 'Insufficient memory';
  return null;
};

export function podHostPorts(pod: Pod): string[] {
  const out: string[] = [];
  for (const c of pod.spec.containers) for (const p of c.ports ?? []) if (p.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostPort}`);
  return out;
}

const hostPorts: Filter = (p, s) => (p.hostPorts.some((hp) => s.hostPorts.has(hp)) ? "node(s) didn't have free ports for the requested pod ports" : null);

/** Filters that depend only on the pod's spec and the node, not on what is placed: their verdict is shared by pods of one shape. */
export const staticFilters: Filter[] = [nodeReady, schedulable, taints, nodeAffinity];

/** Filters that depend on what is already placed on the node. */
export const dynamicFilters: Filter[] = [hostPorts, resources];

/** In order: the first failing filter names the reason a node was refused. */
export const filters: Filter[] = [...staticFilters, ...dynamicFilters];

export function firstFailure(list: readonly Filter[], p: PodInfo, s: NodeState): string | null {
  for (const f of list) {
    const why = f(p, s);
    if (why) return why;
  }
  return null;
}

/**
 * Whether a node is one the pod may ever run on, ignoring readiness, cordons and what is already
 * placed (for DaemonSets: nodeSelector, required affinity, NoSchedule/NoExecute taints). Null when eligible.
 */
export function ineligibleReason(pod: Pod, node: Node): string | null {
  if (!matchesNodeSelectorAndAffinity(pod, node)) return affinityReason;
  const t = untoleratedTaint(node.spec?.taints ?? [], pod.spec.tolerations ?? []);
  return t ? `node(s) had untolerated taint ${taintText(t)}` : null;
}
