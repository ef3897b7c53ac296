import type { Node } from '../../shared/node.js';
import type { Pod, PodTemplate } from '../../shared/pod.js';
import { ineligibleReason } from '../scheduler/filters.js';

type Toleration = NonNullable<Pod['spec']['tolerations']>[number];

/**
 * What Kubernetes adds to every DaemonSet pod (AddOrUpdateDaemonPodTolerations): it stays on
 * not-ready and unreachable nodes and ignores cordons and pressure.
 */
export const daemonPodTolerations: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** The template's tolerations plus the daemon ones it does not already have. */
export function withDaemonTolerations(template: PodTemplate): PodTemplate {
  const own = template.spec.tolerations ?? [];
  const same = (a: Toleration, b: Toleration) => a.key === b.key && a.effect === b.effect && (a.operator ?? 'Equal') === (b.operator ?? 'Equal');
  const extra = daemonPodTolerations.filter((t) => !own.some((o) => same(o, t)));
  return { ...template, spec: { ...template.spec, tolerations: [...own, ...extra] } };
}

export interface NodeFit {
  /** A new daemon pod belongs there. */
  shouldRun: boolean;
  /** A daemon pod already there may stay (a NoSchedule taint added later does not evict it). */
  shouldContinue: boolean;
}

/**
 * Kubernetes' nodeShouldRunDaemonPod: nodeSelector, required node affinity and taints, through the
 * scheduler's own filters; readiness, cordons and free resources do not matter.
 */
export function nodeFit(template: PodTemplate, node: Node): NodeFit {
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { ...(template.metadata ?? {}) }, spec: template.spec };
  const shouldRun = ineligibleReason(pod, node) === null;
  if (shouldRun) return { shouldRun, shouldContinue: true };
  const tolerant: Pod = { ...pod, spec: { ...pod.spec, tolerations: [...(pod.spec.tolerations ?? []), { operator: 'Exists', effect: 'NoSchedule' }] } };
  return { shouldRun, shouldContinue: ineligibleReason(tolerant, node) === null };
}
