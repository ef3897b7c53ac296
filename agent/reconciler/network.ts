/** How the reconciler places pods on the node's networks, and what it tells the Service rules and the DNS. Pure. */
import { readyConditionOf } from '../../shared/meta.js';
import type { Pod, PodStatus } from '../../shared/pod.js';
import type { HostPort, LocalPod } from '../network/types.js';
import type { HostNetworkFiles, PodAttachment } from '../network/pod/types.js';
import { dnsMode } from '../network/pod/resolv-conf.js';
import { containerLabels, type ContainerInfo } from '../runtime/driver.js';
import { containerId, podName, podNamespace, podUid } from './ids.js';
import { shouldRestart } from './spec.js';
import type { RuntimeState } from './state.js';

/** Where a pod's containers run. */
export type PodPlacement =
  /** The node's network; `files` when its dnsPolicy asks for the cluster DNS. */
  | { type: 'host'; files?: HostNetworkFiles }
  | { type: 'pod'; attachment: PodAttachment }
  /** Not attached yet: its containers are not created or restarted. */
  | { type: 'waiting'; message: string };

export const noPodRangeMessage = 'this node has no pod range yet: waiting for the cluster network from the server';
export const attachingMessage = 'attaching the pod to the pod network';

export function onThisNode(pod: Pod, nodeName: string): boolean {
  return !pod.spec.nodeName || pod.spec.nodeName === nodeName;
}

/** Pods the node should run now: here, and not being deleted. */
export function runnablePods(desired: readonly Pod[], nodeName: string): Pod[] {
  return desired.filter((p) => onThisNode(p, nodeName) && !p.metadata.deletionTimestamp);
}

/** Uids of pods that have containers of this node in the runtime. */
export function uidsWithContainers(actual: readonly ContainerInfo[], nodeName: string): Set<string> {
  const out = new Set<string>();
  for (const a of actual) {
    const uid = a.labels[containerLabels.podUid];
    if (uid && a.labels[containerLabels.node] === nodeName) out.add(uid);
  }
  return out;
}

/** Every container of the pod has ended for good (its restart policy keeps it down): it needs no network any more. */
export function podFinished(pod: Pod, actual: ReadonlyMap<string, ContainerInfo>, state: RuntimeState): boolean {
  const uid = podUid(pod);
  return pod.spec.containers.every((c) => {
    const id = containerId(uid, c.name);
    const a = actual.get(id);
    const rec = state.containers.get(id);
    const stopped = !!a && (a.task === null || a.task.status === 'stopped');
    return stopped && !!rec?.lastExit && !shouldRestart(pod.spec.restartPolicy, rec.lastExit.exitCode);
  });
}

export interface NetworkWork {
  /** Pods to attach to the pod network before their containers are created or restarted. */
  attach: Pod[];
  /** hostNetwork pods that need a resolv.conf of their own (ClusterFirstWithHostNet, None). */
  hostFiles: Pod[];
}

/** What must be prepared before planning, given which pods are attached (or prepared) already and which wait out a failure. */
export function networkWork(
  desired: readonly Pod[],
  actual: readonly ContainerInfo[],
  state: RuntimeState,
  now: number,
  o: { nodeName: string; attached(uid: string): boolean; hostPrepared(uid: string): boolean },
): NetworkWork {
  const byId = new Map(actual.map((a) => [a.id, a]));
  const work: NetworkWork = { attach: [], hostFiles: [] };
  for (const pod of runnablePods(desired, o.nodeName)) {
    const uid = podUid(pod);
    if (pod.spec.hostNetwork) {
      if (dnsMode(pod) !== 'host' && !o.hostPrepared(uid)) work.hostFiles.push(pod);
      continue;
    }
    if (o.attached(uid) || podFinished(pod, byId, state)) continue;
    const failed = state.network.get(uid);
    if (failed && now < failed.retryAt) continue;
    work.attach.push(pod);
  }
  return work;
}

/**
 * Pod uids whose network may go: neither runnable here nor holding containers. A pod being deleted
 * gives it up once none of its containers runs, as the kubelet tears its sandbox down; the stopped
 * containers stay until the pod goes.
 */
export function networksToRelease(held: readonly string[], desired: readonly Pod[], actual: readonly ContainerInfo[], nodeName: string): string[] {
  const stopping = new Set(desired.filter((p) => p.metadata.deletionTimestamp).map(podUid));
  const live = actual.filter((a) => !stopping.has(a.labels[containerLabels.podUid] ?? '') || (a.task !== null && a.task.status !== 'stopped'));
  const keep = uidsWithContainers(live, nodeName);
  for (const p of runnablePods(desired, nodeName)) keep.add(podUid(p));
  return held.filter((uid) => !keep.has(uid));
}

/** Host ports of the pod's containers, for the Service rules' DNAT. */
export function hostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) if (p.hostPort) out.push({ hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' });
  }
  return out;
}

export interface PlacedPod {
  pod: Pod;
  status: PodStatus;
  placement: PodPlacement | undefined;
}

/** The pods on the pod network as the Service rules and the DNS see them: ready as the agent knows it now. */
export function localPods(pods: readonly PlacedPod[]): LocalPod[] {
  const out: LocalPod[] = [];
  for (const { pod, status, placement } of pods) {
    if (placement?.type !== 'pod') continue;
    const ready = !pod.metadata.deletionTimestamp && status.phase === 'Running' && readyConditionOf({ status })?.status === 'True';
    out.push({ uid: podUid(pod), namespace: podNamespace(pod), name: podName(pod), ip: placement.attachment.ip, ready, hostPorts: hostPorts(pod) });
  }
  return out;
}
