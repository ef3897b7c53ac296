import type { NodeEvents } from '../../shared/messages.js';
import type { Pod } from '../../shared/pod.js';
import type { Store } from '../store/types.js';
import { refOf, type EventRecorder } from './recorder.js';

/**
 * Records what a node reports about its pods (Pulling, Started, BackOff, Unhealthy…) as Events
 * from the kubelet on that node. A node may only speak of pods bound to it, by uid; returns how
 * many were recorded.
 */
export function recordNodeEvents(store: Store, recorder: Pick<EventRecorder, 'record'>, node: string, msg: NodeEvents, log?: (m: string) => void): number {
  let recorded = 0;
  for (const e of msg.events) {
    const pod = store.get('Pod', e.pod.namespace, e.pod.name) as Pod | undefined;
    if (!pod || pod.metadata.uid !== e.pod.uid) continue; // deleted or replaced meanwhile: the event is moot
    if (pod.spec.nodeName !== node) {
      log?.(`node ${node} reported event ${e.reason} for pod ${e.pod.namespace}/${e.pod.name} which is bound to ${pod.spec.nodeName ?? 'no node'}; ignored`);
      continue;
    }
    recorder.record(refOf(pod, e.fieldPath), e.type, e.reason, e.message, { component: 'kubelet', host: node, count: e.count });
    recorded++;
  }
  return recorded;
}
