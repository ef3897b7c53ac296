import type { Pod } from '../../shared/pod.js';
import type { PodStatusEntry } from '../session/session.js';
import type { HostPort, LocalPod } from './types.js';

/**
 * This node's pods on the pod network as the Service rules and the DNS see them: the IP and
 * readiness the agent knows now (a pod that turns unready or dies leaves at once, without the
 * server), host ports from the spec. hostNetwork pods are the node's own addresses, not endpoints here.
 */
export function localPods(desired: Pod[], statuses: PodStatusEntry[]): LocalPod[] {
  const byUid = new Map(statuses.map((s) => [s.uid, s]));
  const out: LocalPod[] = [];
  for (const pod of desired) {
    const uid = pod.metadata.uid;
    if (!uid || pod.spec.hostNetwork) continue;
    const entry = byUid.get(uid);
    const status = entry?.status;
    const ip = status?.podIP;
    if (!entry || !status || !ip) continue;
    const hostPorts: HostPort[] = [];
    for (const c of pod.spec.containers) {
      for (const p of c.ports ?? []) {
        if (p.hostPort) hostPorts.push({ hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' });
      }
    }
    out.push({
      uid,
      namespace: entry.namespace,
      name: entry.name,
      ip,
      ready: status.phase === 'Running' && (status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false),
      hostPorts,
    });
  }
  return out;
}
