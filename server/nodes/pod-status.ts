import type { Condition } from '../../shared/meta.js';
import type { PodStatusReport } from '../../shared/messages.js';
import type { Pod } from '../../shared/pod.js';
import { deleteObject } from '../deletion/delete.js';
import type { Store } from '../store/types.js';

/**
 * Applies a node's pod status report. A node may only speak of pods bound to it, by uid, so a
 * node cannot forge the status of another node's pods. Unchanged statuses cost no write.
 */
export function applyPodStatusReport(store: Store, node: string, report: PodStatusReport, log?: (m: string) => void): number {
  // One transaction (one fsync) for the node's whole report.
  return store.batch(() => applyEach(store, node, report, log));
}

function applyEach(store: Store, node: string, report: PodStatusReport, log?: (m: string) => void): number {
  let written = 0;
  for (const p of report.pods) {
    const pod = store.get('Pod', p.namespace, p.name) as Pod | undefined;
    if (!pod || pod.metadata.uid !== p.uid) continue; // deleted or replaced meanwhile
    if (pod.spec.nodeName !== node) {
      log?.(`node ${node} reported pod ${p.namespace}/${p.name} which is bound to ${pod.spec.nodeName ?? 'no node'}; ignored`);
      continue;
    }
    const conditions = mergeScheduled(pod, p.status.conditions);
    const next: Pod = { ...pod, status: { ...p.status, conditions } };
    const before = store.get('Pod', p.namespace, p.name)!.metadata.resourceVersion;
    const after = store.update(next, { subresource: 'status' }).metadata.resourceVersion;
    if (before !== after) written++;
    // The node stopped a pod being deleted: the kubelet's final delete (grace 0); finalizers may still hold it.
    if (pod.metadata.deletionTimestamp && (pod.metadata.deletionGracePeriodSeconds ?? 0) > 0 && stopped(next)) {
      const { removed } = deleteObject(store, 'Pod', p.namespace, p.name, { gracePeriodSeconds: 0 });
      log?.(`pod ${p.namespace}/${p.name} stopped on node ${node}; ${removed ? 'deleted' : 'waiting for its finalizers'}`);
    }
  }
  return written;
}

/** No container of the pod runs any more (never started ones included). */
function stopped(pod: Pod): boolean {
  return !(pod.status?.containerStatuses ?? []).some((c) => c.state.running);
}

/** The agent does not know about scheduling; keep the server's PodScheduled condition. */
function mergeScheduled(pod: Pod, fromNode: Condition[] | undefined): Condition[] {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const rest = (fromNode ?? []).filter((c) => c.type !== 'PodScheduled');
  return scheduled ? [scheduled, ...rest] : rest;
}
