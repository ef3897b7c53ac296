import { isKedgeError } from '../../shared/errors.js';
import { isNodeReady, type Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { deleteObject } from '../deletion/delete.js';
import { refOf, type EventRecorder } from '../events/recorder.js';
import { defaultPodEvictionTimeoutMs } from '../nodes/default-tolerations.js';
import { planEvictions, podsToMarkNotReady } from '../nodes/eviction-plan.js';
import { withLifecycleTaints } from '../nodes/lifecycle-taints.js';
import type { Store, StoreEvent } from '../store/types.js';
import { createWorkQueue } from './queue.js';

export interface NodeLifecycleDeps {
  store: Store;
  now?: () => Date;
  log?: (msg: string) => void;
  events?: Pick<EventRecorder, 'record'>;
  /** How long pods without their own toleration stay on a NotReady node (default 20 s). */
  podEvictionTimeoutMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

/**
 * The node lifecycle controller: keeps lifecycle taints in step with Ready (the tracker sets both in
 * one write; this repairs hand edits), marks pods on NotReady nodes not Ready, and evicts pods from
 * NoExecute-tainted nodes once their toleration runs out, so their controllers replace them elsewhere.
 */
/** NotReady, or tainted NoExecute: the only nodes whose pods this controller acts on. */
function isTroubled(n: Node): boolean {
  return !!n.spec?.taints?.some((x) => x.effect === 'NoExecute') || !isNodeReady(n);
}

export function createNodeLifecycleController(deps: NodeLifecycleDeps) {
  const now = deps.now ?? (() => new Date());
  const evictionSeconds = Math.round((deps.podEvictionTimeoutMs ?? defaultPodEvictionTimeoutMs) / 1000);
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms).unref());
  const clearTimer = deps.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
  const started = now().getTime();
  /** When each NoExecute taint was first seen here. */
  const firstSeen = new Map<string, number>();
  /** Nodes that are not Ready or carry NoExecute taints: pod changes there need a look. */
  let troubled = new Set<string>();
  let timer: unknown;
  const queue = createWorkQueue({ name: 'node-lifecycle', reconcile: () => deps.store.batch(run), log: deps.log, delayMs: 10 });

  /**
   * Taints as the countdown should see them: timeAdded is kept to the second (and absent on taints
   * set by hand), so each NoExecute taint counts from when this controller first saw it, if later.
   */
  function withTaintTimes(nodes: Node[], t: number): Node[] {
    const keep = new Set<string>();
    const out = nodes.map((n) => {
      const taints = n.spec?.taints;
      if (!taints?.some((x) => x.effect === 'NoExecute')) return n;
      const timed = taints.map((x) => {
        if (x.effect !== 'NoExecute') return x;
        const key = `${n.metadata.name}\u0000${x.key}\u0000${x.value ?? ''}\u0000${x.timeAdded ?? ''}`;
        keep.add(key);
        if (!firstSeen.has(key)) firstSeen.set(key, t);
        const added = x.timeAdded ? Date.parse(x.timeAdded) : NaN;
        const since = Math.max(Number.isFinite(added) ? added : -Infinity, firstSeen.get(key)!);
        return { ...x, timeAdded: new Date(since).toISOString() };
      });
      return { ...n, spec: { ...n.spec, taints: timed } };
    });
    for (const k of firstSeen.keys()) if (!keep.has(k)) firstSeen.delete(k);
    return out;
  }

  function run() {
    const at = now();
    const t = at.getTime();
    const nodes = (deps.store.list('Node').items as Node[]).map((n) => {
      const fixed = withLifecycleTaints(n, at);
      if (fixed === n) return n;
      deps.log?.(`node ${n.metadata.name}: lifecycle taints out of step with Ready; fixed`);
      return deps.store.update(fixed) as Node;
    });
    // Only pods on NotReady or NoExecute-tainted nodes can be marked or evicted: read just those (indexed by node).
    const pods = nodes.filter(isTroubled).flatMap((n) => deps.store.list('Pod', { fields: { 'spec.nodeName': n.metadata.name! } }).items as Pod[]);

    for (const pod of podsToMarkNotReady(nodes, pods)) {
      const conditions = (pod.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'False' as const, lastTransitionTime: at.toISOString() } : c));
      deps.store.update({ ...pod, status: { ...(pod.status ?? {}), conditions } }, { subresource: 'status' });
      deps.events?.record(refOf(pod), 'Warning', 'NodeNotReady', 'Node is not ready', { component: 'node-controller' });
    }

    const plan = planEvictions({ nodes: withTaintTimes(nodes, t), pods, now: t, defaultTolerationSeconds: evictionSeconds, notBefore: started });
    for (const e of plan.evict) {
      const key = `${e.pod.metadata.namespace}/${e.pod.metadata.name}`;
      deps.events?.record(refOf(e.pod), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`, { component: 'taint-eviction-controller' });
      try {
        // At once: the node cannot be asked to stop the pod (finalizers still hold it if it has any).
        deleteObject(deps.store, 'Pod', e.pod.metadata.namespace ?? 'default', e.pod.metadata.name!, { gracePeriodSeconds: 0 }, { now });
        deps.log?.(`evicted pod ${key} from node ${e.node} (${e.why === 'untolerated' ? 'does not tolerate' : 'toleration ran out for'} taint ${e.taint.key}:${e.taint.effect})`);
      } catch (err) {
        if (!isKedgeError(err, 'NotFound')) throw err;
      }
    }

    troubled = new Set(nodes.filter(isTroubled).map((n) => n.metadata.name!));
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
    // A few ms late rather than early: the next pass must find the deadline passed.
    if (plan.nextAt !== undefined) timer = setTimer(() => queue.add('all'), Math.max(0, plan.nextAt - t) + 5);
  }

  return {
    onEvent(e: StoreEvent) {
      const o = e.object;
      if (o.kind === 'Node') queue.add('all');
      else if (o.kind === 'Pod' && e.type !== 'DELETED') {
        const node = (o as Pod).spec.nodeName;
        if (node && troubled.has(node)) queue.add('all');
      }
    },
    resync: () => queue.add('all'),
    idle: () => queue.idle(),
    stop() {
      if (timer !== undefined) clearTimer(timer);
      queue.stop();
    },
  };
}
