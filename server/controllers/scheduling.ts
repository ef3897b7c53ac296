import { isDeepStrictEqual } from 'node:util';
import type { Condition } from '../../shared/meta.js';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { refOf, type EventRecorder } from '../events/recorder.js';
import { defaultPodEvictionTimeoutMs, withDefaultTolerations } from '../nodes/default-tolerations.js';
import { schedule } from '../scheduler/schedule.js';
import type { Store, StoreEvent } from '../store/types.js';
import { createWorkQueue } from './queue.js';
import type { ControllerDeps } from './deployment.js';

export interface SchedulingDeps extends ControllerDeps {
  nodeView?: (n: Node) => Node;
  /** Scheduled / FailedScheduling Events. */
  events?: Pick<EventRecorder, 'record'>;
  /** tolerationSeconds of the default not-ready/unreachable tolerations given to pods at binding. */
  podEvictionTimeoutMs?: number;
}

/**
 * Runs the pure scheduler over every pending pod and writes the bindings it returns. A binding also
 * gives the pod Kubernetes' default NoExecute tolerations (DefaultTolerationSeconds) unless it has
 * its own: every pod passes here, including those controllers create without the API's admission.
 */
export function createSchedulingController(deps: SchedulingDeps) {
  const now = deps.now ?? (() => new Date());
  const tolerationSeconds = Math.round((deps.podEvictionTimeoutMs ?? defaultPodEvictionTimeoutMs) / 1000);
  const queue = createWorkQueue({ name: 'scheduler', reconcile: () => deps.store.batch(run), log: deps.log, delayMs: 20 });
  /**
   * As Kubernetes' scheduling queue does: a pod found unschedulable waits until the cluster changes
   * (a node, a pod leaving, the periodic resync) instead of being tried again with every new pod.
   * Between such changes a pass looks only at the pods that arrived since the last one; with
   * thousands of pods pending, trying them all on each create would stall the API.
   */
  let everything = true;
  const arrived = new Set<string>();

  function pendingPods(store: Store): Pod[] {
    if (everything) {
      everything = false;
      arrived.clear();
      // Indexed (spec.nodeName ""): most full passes (node changes, resyncs) find nothing pending.
      return store.list('Pod', { fields: { 'spec.nodeName': '' } }).items as Pod[];
    }
    const keys = [...arrived];
    arrived.clear();
    // Namespaces and names hold no "/".
    const pods = keys.map((k) => {
      const [namespace, name] = k.split('/') as [string, string];
      return store.get('Pod', namespace, name) as Pod | undefined;
    });
    return pods.filter((p): p is Pod => !!p && !p.spec.nodeName);
  }

  function run() {
    const store: Store = deps.store;
    const pending = pendingPods(store).filter((p) => !p.metadata.deletionTimestamp);
    if (pending.length === 0) return;
    const nodes = (store.list('Node').items as Node[]).map((n) => deps.nodeView?.(n) ?? n);
    // With no nodes nothing fits: the placed pods need not be read (every pod, in a big cluster).
    const placed = nodes.length === 0 ? [] : (store.list('Pod').items as Pod[]).filter((p) => p.spec.nodeName);
    const result = schedule(nodes, placed, pending);
    const byKey = new Map(pending.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
    const t = now().toISOString();
    for (const pl of result.placements) {
      const pod = byKey.get(pl.pod)!;
      const conditions = setCondition(pod, { type: 'PodScheduled', status: 'True', lastTransitionTime: t });
      const tolerations = withDefaultTolerations(pod.spec.tolerations, tolerationSeconds);
      store.update({ ...pod, spec: { ...pod.spec, nodeName: pl.node, tolerations }, status: { ...(pod.status ?? {}), phase: 'Pending', conditions } });
      deps.log?.(`scheduled ${pl.pod} on ${pl.node}`);
      deps.events?.record(refOf(pod), 'Normal', 'Scheduled', `Successfully assigned ${pl.pod} to ${pl.node}`, { component: 'default-scheduler' });
    }
    for (const u of result.unschedulable) {
      const pod = byKey.get(u.pod)!;
      const conditions = setCondition(pod, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: u.message, lastTransitionTime: t });
      // Every attempt counts, as in Kubernetes; the recorder turns repeats into a count.
      deps.events?.record(refOf(pod), 'Warning', 'FailedScheduling', u.message, { component: 'default-scheduler' });
      if (isDeepStrictEqual(stripTimes(conditions), stripTimes(pod.status?.conditions ?? []))) continue;
      store.update({ ...pod, status: { ...(pod.status ?? {}), phase: 'Pending', conditions } }, { subresource: 'status' });
      deps.log?.(`cannot schedule ${u.pod}: ${u.message}`);
    }
  }

  return {
    onEvent(e: StoreEvent) {
      const o = e.object;
      if (o.kind === 'Pod') {
        const pod = o as Pod;
        if (e.type === 'DELETED') {
          // A bound pod leaving frees room for those waiting.
          if (pod.spec.nodeName) everything = true;
        } else if (!pod.spec.nodeName && !(e.type === 'MODIFIED' && unschedulable(pod))) arrived.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
        else return;
      } else if (o.kind === 'Node') everything = true;
      else return;
      queue.add('all');
    },
    resync() {
      everything = true;
      queue.add('all');
    },
    idle: () => queue.idle(),
    stop: () => queue.stop(),
  };
}

/** Marked unschedulable by an earlier pass: its own status writes must not start another. */
function unschedulable(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable') ?? false;
}

function setCondition(pod: Pod, c: Condition): Condition[] {
  const rest = (pod.status?.conditions ?? []).filter((x) => x.type !== c.type);
  const old = pod.status?.conditions?.find((x) => x.type === c.type);
  const keepTime = old && old.status === c.status && old.reason === c.reason;
  return [{ ...c, lastTransitionTime: keepTime ? old.lastTransitionTime : c.lastTransitionTime }, ...rest];
}

function stripTimes(cs: Condition[]) {
  return cs.map(({ lastTransitionTime: _t, lastHeartbeatTime: _h, lastProbeTime: _p, lastUpdateTime: _u, ...rest }) => rest);
}
