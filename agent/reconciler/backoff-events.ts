import { podEvents } from '../events/wording.js';
import type { PodEvent } from '../events/types.js';
import type { Pod } from '../../shared/pod.js';
import { containerId, podName, podNamespace, podUid } from './ids.js';
import { shouldRestart } from './spec.js';
import type { RuntimeState } from './state.js';

/** One BackOff event per crash that waits for its restart (the kubelet's wording). Marks what it reported. */
export function backoffEvents(desired: readonly Pod[], state: RuntimeState, now: number): PodEvent[] {
  const out: PodEvent[] = [];
  for (const pod of desired) {
    const ref = { namespace: podNamespace(pod), name: podName(pod), uid: podUid(pod) };
    for (const c of pod.spec.containers) {
      const rec = state.containers.get(containerId(ref.uid, c.name));
      const exit = rec?.lastExit;
      if (!rec || !exit || rec.running || rec.restartAt === undefined || now >= rec.restartAt) continue;
      if (!shouldRestart(pod.spec.restartPolicy, exit.exitCode) || rec.backoffReported === exit.finishedAt) continue;
      rec.backoffReported = exit.finishedAt;
      out.push(podEvents.backOff(ref, c.name));
    }
  }
  return out;
}
