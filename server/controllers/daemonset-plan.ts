import type { DaemonSet } from '../../shared/daemonset.js';
import type { Node } from '../../shared/node.js';
import { isPodReady, type Pod } from '../../shared/pod.js';
import { scaledValue } from './int-or-percent.js';
import { isPodAvailable, nextAvailableInMs } from './pod-availability.js';
import { isPodActive } from './pod-active.js';
import { podFromTemplate } from './pod-template.js';
import { nodeFit, withDaemonTolerations } from './daemonset-nodes.js';
import { templateHash } from './template-hash.js';

export const revisionHashLabel = 'controller-revision-hash';

export type DaemonSetStatus = NonNullable<DaemonSet['status']>;

export interface DaemonSetPlan {
  create: Pod[];
  delete: Pod[];
  status: DaemonSetStatus;
  requeueAfterMs?: number;
}

interface NodeSlot {
  node: string;
  shouldRun: boolean;
  newPod?: Pod;
  oldPod?: Pod;
}

const byAge = (a: Pod, b: Pod) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');

/**
 * One daemon pod on every node that fits, as plain data the caller applies. `pods` are the pods the DaemonSet controls.
 * Pods are bound to their node at creation; the scheduler never sees them.
 */
export function planDaemonSet(ds: DaemonSet, nodes: Node[], pods: Pod[], now: Date, random: () => number = Math.random): DaemonSetPlan {
  const template = withDaemonTolerations(ds.spec.template);
  const hash = templateHash(ds.spec.template);
  const minReady = ds.spec.minReadySeconds ?? 0;
  const available = (p: Pod) => isPodAvailable(p, minReady, now);
  const owner = { apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata.name!, uid: ds.metadata.uid! };
  const create: Pod[] = [];
  const del = new Set<Pod>();
  const slots: NodeSlot[] = [];
  let misscheduled = 0;

  const known = new Set(nodes.map((n) => n.metadata.name!));
  for (const p of pods) {
    // Gone nodes and finished pods: removed (a finished daemon pod is replaced below).
    if (!known.has(p.spec.nodeName ?? '') || (!isPodActive(p) && !p.metadata.deletionTimestamp)) del.add(p);
  }
  for (const node of [...nodes].sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!))) {
    const name = node.metadata.name!;
    const here = pods.filter((p) => p.spec.nodeName === name && isPodActive(p)).sort(byAge);
    const fit = nodeFit(template, node);
    if (!fit.shouldContinue) {
      here.forEach((p) => del.add(p));
      if (here.length) misscheduled++;
      continue;
    }
    if (!fit.shouldRun && here.length) misscheduled++;
    const fresh = here.filter((p) => p.metadata.labels?.[revisionHashLabel] === hash);
    const stale = here.filter((p) => !fresh.includes(p));
    // One of each at most: duplicates (a crash between writes) go.
    fresh.slice(1).forEach((p) => del.add(p));
    stale.slice(1).forEach((p) => del.add(p));
    const slot: NodeSlot = { node: name, shouldRun: fit.shouldRun, newPod: fresh[0], oldPod: stale[0] };
    if (fit.shouldRun) slots.push(slot);
    if (fit.shouldRun && !slot.newPod && !slot.oldPod) create.push(daemonPod(name));
  }

  function daemonPod(node: string): Pod {
    return podFromTemplate(owner, ds.metadata.namespace!, template, random, { labels: { [revisionHashLabel]: hash }, nodeName: node });
  }

  if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
    const ru = ds.spec.updateStrategy?.rollingUpdate;
    const desired = slots.length;
    const maxSurge = scaledValue(ru?.maxSurge, 0, desired, true);
    let maxUnavailable = scaledValue(ru?.maxUnavailable, 1, desired, true);
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    if (maxSurge === 0) {
      for (const p of rollWithoutSurge(slots, maxUnavailable, available)) del.add(p);
    } else {
      const r = rollWithSurge(slots, maxSurge, available);
      r.delete.forEach((p) => del.add(p));
      r.surgeOn.forEach((n) => create.push(daemonPod(n)));
    }
  }

  const status: DaemonSetStatus = {
    desiredNumberScheduled: slots.length,
    currentNumberScheduled: slots.filter((s) => s.newPod || s.oldPod).length,
    numberMisscheduled: misscheduled,
    numberReady: slots.filter((s) => [s.newPod, s.oldPod].some((p) => p && isPodReady(p))).length,
    updatedNumberScheduled: slots.filter((s) => s.newPod).length,
    numberAvailable: slots.filter((s) => [s.newPod, s.oldPod].some((p) => p && available(p))).length,
    numberUnavailable: slots.filter((s) => ![s.newPod, s.oldPod].some((p) => p && available(p))).length,
    observedGeneration: ds.metadata.generation,
  };
  return { create, delete: [...del], status, requeueAfterMs: nextAvailableInMs(pods, minReady, now) };
}

/**
 * Kubernetes' rollingUpdate without surge: old pods that are not available are replaced at once;
 * available ones only while fewer than maxUnavailable nodes lack an available pod.
 */
function rollWithoutSurge(slots: NodeSlot[], maxUnavailable: number, available: (p: Pod) => boolean): Pod[] {
  let unavailable = 0;
  const candidates: Pod[] = [];
  const replaceNow: Pod[] = [];
  for (const s of slots) {
    if (s.newPod && s.oldPod) {
      // Left over from a surge: the new one stays.
      replaceNow.push(s.oldPod);
      if (!available(s.newPod)) unavailable++;
    } else if (s.newPod) {
      if (!available(s.newPod)) unavailable++;
    } else if (s.oldPod) {
      if (!available(s.oldPod)) replaceNow.push(s.oldPod);
      else candidates.push(s.oldPod);
    } else unavailable++;
  }
  const room = Math.max(0, Math.min(maxUnavailable - unavailable, candidates.length));
  return [...replaceNow, ...candidates.slice(0, room)];
}

/** With surge: a new pod starts beside the old one (up to maxSurge nodes at a time); the old goes once the new is available. */
function rollWithSurge(slots: NodeSlot[], maxSurge: number, available: (p: Pod) => boolean): { delete: Pod[]; surgeOn: string[] } {
  const out = { delete: [] as Pod[], surgeOn: [] as string[] };
  let surging = slots.filter((s) => s.newPod && s.oldPod && !available(s.newPod)).length;
  for (const s of slots) {
    if (s.oldPod && s.newPod) {
      if (available(s.newPod)) out.delete.push(s.oldPod);
    } else if (s.oldPod) {
      if (!available(s.oldPod)) out.surgeOn.push(s.node);
      else if (surging < maxSurge) {
        out.surgeOn.push(s.node);
        surging++;
      }
    }
  }
  return out;
}
