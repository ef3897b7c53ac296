import type { DaemonSet } from '../../shared/daemonset.js';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { refOf } from '../events/recorder.js';
import type { StoreEvent } from '../store/types.js';
import { planDaemonSet } from './daemonset-plan.js';
import type { ControllerDeps } from './deployment.js';
import { createWorkQueue } from './queue.js';
import { createRequeue } from './requeue.js';
import { createWithFreshName, deleteIfPresent, writeStatus } from './store-writes.js';
import { controllerOf } from '../../shared/meta.js';

/** DaemonSets: one pod per fitting node, bound directly; nodes joining, leaving or changing labels move pods. */
export function createDaemonSetController(deps: ControllerDeps) {
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const { store } = deps;
  const queue = createWorkQueue({ name: 'daemonset', reconcile: (key) => deps.store.batch(() => reconcile(key)), log: deps.log });
  const requeue = createRequeue(queue);

  function reconcile(key: string) {
    const [ns, name] = key.split('/') as [string, string];
    const ds = store.get('DaemonSet', ns, name) as DaemonSet | undefined;
    if (!ds || ds.metadata.deletionTimestamp) return;
    const nodes = store.list('Node').items as Node[];
    const pods = (store.list('Pod', { namespace: ns }).items as Pod[]).filter((p) => controllerOf(p)?.uid === ds.metadata.uid);
    const plan = planDaemonSet(ds, nodes, pods, now(), random);
    const event = (reason: string, message: string) => deps.events?.record(refOf(ds), 'Normal', reason, message, { component: 'daemonset-controller' });
    for (const p of plan.delete) if (deleteIfPresent(store, 'Pod', ns, p.metadata.name!, now)) event('SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
    for (const p of plan.create) event('SuccessfulCreate', `Created pod: ${createWithFreshName(store, p, name, random).metadata.name}`);
    if (plan.create.length || plan.delete.length) {
      const where = (ps: Pod[]) => ps.map((p) => p.spec.nodeName).join(',');
      deps.log?.(`daemonset ${key}: created pod(s) on [${where(plan.create)}], deleted on [${where(plan.delete)}]`);
    }
    writeStatus(store, 'DaemonSet', ds, plan.status);
    if (plan.requeueAfterMs !== undefined) requeue.after(key, plan.requeueAfterMs);
  }

  const all = () => {
    for (const ds of store.list('DaemonSet').items) queue.add(`${ds.metadata.namespace}/${ds.metadata.name}`);
  };

  return {
    onEvent(e: StoreEvent) {
      const o = e.object;
      if (o.kind === 'DaemonSet' && e.type !== 'DELETED') queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
      else if (o.kind === 'Node') all();
      else if (o.kind === 'Pod') {
        const owner = controllerOf(o);
        if (owner?.kind === 'DaemonSet') queue.add(`${o.metadata.namespace}/${owner.name}`);
      }
    },
    resync: all,
    idle: () => queue.idle(),
    stop() {
      requeue.stop();
      queue.stop();
    },
  };
}
