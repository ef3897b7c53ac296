import type { Pod } from '../../shared/pod.js';
import type { ProbeTarget } from '../probes/prober.js';
import type { ContainerInfo } from '../runtime/driver.js';
import { containerId, podName, podNamespace, podUid } from './ids.js';
import type { PodPlacement } from './network.js';
import type { RuntimeState } from './state.js';

/** The running containers that have probes, each with the start of its current run and, on the pod network, the pod's IP. Pure. */
export function probeTargets(desired: readonly Pod[], actual: readonly ContainerInfo[], state: RuntimeState, placement?: (pod: Pod) => PodPlacement): ProbeTarget[] {
  const byId = new Map(actual.map((a) => [a.id, a]));
  const targets: ProbeTarget[] = [];
  for (const pod of desired) {
    const ref = { namespace: podNamespace(pod), name: podName(pod), uid: podUid(pod) };
    const p = placement?.(pod);
    const host = p?.type === 'pod' ? { host: p.attachment.ip } : {};
    for (const c of pod.spec.containers) {
      if (!c.livenessProbe && !c.readinessProbe && !c.startupProbe) continue;
      const id = containerId(ref.uid, c.name);
      const rec = state.containers.get(id);
      if (byId.get(id)?.task?.status !== 'running' || !rec?.running || rec.startedAt === undefined || state.busy.has(id)) continue;
      targets.push({ id, pod: ref, container: c, startedAt: rec.startedAt, ...host });
    }
  }
  return targets;
}
