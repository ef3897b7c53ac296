import { isDeepStrictEqual } from 'node:util';
import type { Condition } from '../../shared/meta.js';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { schedule } from '../scheduler/schedule.js';
import type { Store, StoreEvent } from '../store/types.js';
import { createWorkQueue } from './queue.js';
import type { ControllerDeps } from './deployment.js';

/** Runs the pure scheduler over every pending pod and writes the bindings it returns. */
export function createSchedulingController(deps: ControllerDeps & { nodeView?: (n: Node) => Node }) {
  const now = deps.now ?? (() => new Date());
  const queue = createWorkQueue({ name: 'scheduler', reconcile: run, log: deps.log, delayMs: 20 });

  function run() {
    const store: Store = deps.store;
    const nodes = (store.list('Node').items as Node[]).map((n) => deps.nodeView?.(n) ?? n);
    const all = store.list('Pod').items as Pod[];
    const pending = all.filter((p) => !p.spec.nodeName && !p.metadata.deletionTimestamp);
    if (pending.length === 0) return;
    const placed = all.filter((p) => p.spec.nodeName);
    const result = schedule(nodes, placed, pending);
    const byKey = new Map(pending.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
    const t = now().toISOString();
    for (const pl of result.placements) {
      const pod = byKey.get(pl.pod)!;
      const conditions = setCondition(pod, { type: 'PodScheduled', status: 'True', lastTransitionTime: t });
      store.update({ ...pod, spec: { ...pod.spec, nodeName: pl.node }, status: { ...(pod.status ?? {}), phase: 'Pending', conditions } });
      deps.log?.(`scheduled ${pl.pod} on ${pl.node}`);
    }
    for (const u of result.unschedulable) {
      const pod = byKey.get(u.pod)!;
      const conditions = setCondition(pod, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: u.message, lastTransitionTime: t });
      if (isDeepStrictEqual(stripTimes(conditions), stripTimes(pod.status?.conditions ?? []))) continue;
      store.update({ ...pod, status: { ...(pod.status ?? {}), phase: 'Pending', conditions } }, { subresource: 'status' });
      deps.log?.(`cannot schedule ${u.pod}: ${u.message}`);
    }
  }

  return {
    onEvent(e: StoreEvent) {
      const o = e.object;
      if (o.kind === 'Pod' && e.type !== 'DELETED' && !(o as Pod).spec.nodeName) queue.add('all');
      else if (o.kind === 'Pod' && e.type === 'DELETED') queue.add('all');
      else if (o.kind === 'Node') queue.add('all');
    },
    resync: () => queue.add('all'),
    idle: () => queue.idle(),
    stop: () => queue.stop(),
  };
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
