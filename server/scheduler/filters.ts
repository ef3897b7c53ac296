import type { Node, Taint } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import type { Resources } from './resources.js';

/** The state of one node as the scheduler sees it while placing a batch. */
export interface NodeState {
  node: Node;
  allocatable: Resources;
  used: Resources;
  hostPorts: Set<string>;
  /** owner uid → number of its pods on this node, for spreading. */
  owners: Map<string, number>;
}

/** A filter answers null when the pod may go on the node, else the reason (Kubernetes' wording, to group in messages). */
export type Filter = (pod: Pod, state: NodeState, req: Resources) => string | null;

export function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

const nodeReady: Filter = (_pod, s) => (isNodeReady(s.node) ? null : "node(s) were not ready");

const schedulable: Filter = (_pod, s) => (s.node.spec?.unschedulable ? 'node(s) were unschedulable' : null);

const nodeSelector: Filter = (pod, s) => {
  const labels = s.node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) if (labels[k] !== v) return "node(s) didn't match Pod's node affinity/selector";
  return null;
};

export function tolerates(pod: Pod, taint: Taint): boolean {
  return (pod.spec.tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}

const taints: Filter = (pod, s) => {
  for (const t of s.node.spec?.taints ?? []) {
    if (t.effect === 'PreferNoSchedule') continue;
    if (!tolerates(pod, t)) return `node(s) had untolerated taint {${t.key}${t.value ? `: ${t.value}` : ''}}`;
  }
  return null;
};

const resources: Filter = (_pod, s, req) => {
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

const hostPorts: Filter = (pod, s) =>
  podHostPorts(pod).some((p) => s.hostPorts.has(p)) ? "node(s) didn't have free ports for the requested pod ports" : null;

/** In order: the first failing filter names the reason a node was refused. */
export const filters: Filter[] = [nodeReady, schedulable, taints, nodeSelector, hostPorts, resources];
