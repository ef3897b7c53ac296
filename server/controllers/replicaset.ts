import type { Pod } from '../../shared/pod.js';
import type { ReplicaSet } from '../../shared/replicaset.js';
import { refOf } from '../events/recorder.js';
import type { StoreEvent } from '../store/types.js';
import type { ControllerDeps } from './deployment.js';
import { createWorkQueue } from './queue.js';
import { planReplicaSet } from './replicaset-plan.js';
import { createRequeue } from './requeue.js';
import { createWithFreshName, deleteIfPresent, writeStatus } from './store-writes.js';
import { controllerOf } from '../../shared/meta.js';

/** Keeps `replicas` pods for each ReplicaSet (pods it controls) and writes its status. */
export function createReplicaSetController(deps: ControllerDeps) {
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const queue = createWorkQueue({ name: 'replicaset', reconcile: (key) => deps.store.batch(() => reconcile(key)), log: deps.log });
  const requeue = createRequeue(queue);

  function reconcile(key: string) {
    const [ns, name] = key.split('/') as [string, string];
    const rs = deps.store.get('ReplicaSet', ns, name) as ReplicaSet | undefined;
    if (!rs || rs.metadata.deletionTimestamp) return;
    const pods = deps.store.list('Pod', { namespace: ns }).items as Pod[];
    const owned = pods.filter((p) => controllerOf(p)?.uid === rs.metadata.uid);
    const orphans = pods.filter((p) => !controllerOf(p));
    const plan = planReplicaSet(rs, owned, orphans, now(), random);
    for (const p of plan.adopt) deps.store.update(p);
    const event = (reason: string, message: string) => deps.events?.record(refOf(rs), 'Normal', reason, message, { component: 'replicaset-controller' });
    for (const p of plan.delete) if (deleteIfPresent(deps.store, 'Pod', ns, p.metadata.name!, now)) event('SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
    for (const p of plan.create) event('SuccessfulCreate', `Created pod: ${createWithFreshName(deps.store, p, name, random).metadata.name}`);
    if (plan.create.length || plan.delete.length || plan.adopt.length) {
      deps.log?.(`replicaset ${key}: created ${plan.create.length} pod(s), deleted ${plan.delete.length}, adopted ${plan.adopt.length}`);
    }
    writeStatus(deps.store, 'ReplicaSet', rs, plan.status);
    if (plan.requeueAfterMs !== undefined) requeue.after(key, plan.requeueAfterMs);
  }

  function onEvent(e: StoreEvent) {
    const o = e.object;
    const ns = o.metadata.namespace;
    if (o.kind === 'ReplicaSet' && e.type !== 'DELETED') queue.add(`${ns}/${o.metadata.name}`);
    if (o.kind !== 'Pod') return;
    const owner = controllerOf(o);
    if (owner?.kind === 'ReplicaSet') queue.add(`${ns}/${owner.name}`);
    else if (!owner && e.type !== 'DELETED') {
      // An orphan may be one a ReplicaSet should adopt.
      for (const rs of deps.store.list('ReplicaSet', { namespace: ns }).items) queue.add(`${ns}/${rs.metadata.name}`);
    }
  }

  return {
    onEvent,
    resync() {
      for (const rs of deps.store.list('ReplicaSet').items) queue.add(`${rs.metadata.namespace}/${rs.metadata.name}`);
    },
    idle: () => queue.idle(),
    stop() {
      requeue.stop();
      queue.stop();
    },
  };
}
