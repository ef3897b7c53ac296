import type { Deployment } from '../../shared/deployment.js';
import { controllerOf, type KObject } from '../../shared/meta.js';
import type { Pod } from '../../shared/pod.js';
import type { ReplicaSet } from '../../shared/replicaset.js';
import { revisionAnnotation, templateHashLabel } from '../../shared/revisions.js';
import { fromLabelSelector, matches } from '../../shared/selector.js';
import { refOf, type EventRecorder } from '../events/recorder.js';
import type { Store, StoreEvent } from '../store/types.js';
import { planDeployment, type DeploymentPlan } from './deployment-plan.js';
import { controllerRef } from './pod-template.js';
import { createWorkQueue } from './queue.js';
import { createRequeue } from './requeue.js';
import { deleteIfPresent, writeStatus } from './store-writes.js';

export interface ControllerDeps {
  store: Store;
  now?: () => Date;
  random?: () => number;
  log?: (msg: string) => void;
  /** Where Kubernetes-style Events go (ScalingReplicaSet, SuccessfulCreate…). */
  events?: Pick<EventRecorder, 'record'>;
}

/** Deployments → ReplicaSets: one per template, rolled over by the strategy; status and revisions on the Deployment. */
export function createDeploymentController(deps: ControllerDeps) {
  const now = deps.now ?? (() => new Date());
  const { store } = deps;
  const queue = createWorkQueue({ name: 'deployment', reconcile: (key) => deps.store.batch(() => reconcile(key)), log: deps.log });
  const requeue = createRequeue(queue);

  // Synchronous from read to write: nothing else touches the store in between.
  function reconcile(key: string) {
    const [ns, name] = key.split('/') as [string, string];
    const d = store.get('Deployment', ns, name) as Deployment | undefined;
    if (!d || d.metadata.deletionTimestamp) return;
    const all = store.list('ReplicaSet', { namespace: ns }).items as ReplicaSet[];
    const owned = [...all.filter((rs) => controllerOf(rs)?.uid === d.metadata.uid), ...adoptOrphans(d, all)];
    const uids = new Set(owned.map((rs) => rs.metadata.uid));
    const pods = store.list('Pod', { namespace: ns }).items as Pod[];
    const plan = planDeployment({
      d,
      replicaSets: owned,
      pods: pods.filter((p) => uids.has(controllerOf(p)?.uid)),
      legacyPods: pods.filter((p) => controllerOf(p)?.uid === d.metadata.uid),
      takenNames: new Set(all.map((rs) => rs.metadata.name!)),
      now: now(),
    });
    apply(d, owned, plan);
    if (plan.requeueAfterMs !== undefined) requeue.after(key, plan.requeueAfterMs);
  }

  /** ReplicaSets without a controller whose labels the selector matches become the Deployment's, as in Kubernetes. */
  function adoptOrphans(d: Deployment, all: ReplicaSet[]): ReplicaSet[] {
    const selector = fromLabelSelector(d.spec.selector);
    const orphans = all.filter((rs) => !controllerOf(rs) && !rs.metadata.deletionTimestamp && matches(selector, rs.metadata.labels));
    return orphans.map((rs) => {
      const ref = controllerRef({ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name!, uid: d.metadata.uid! });
      return store.update({ ...rs, metadata: { ...rs.metadata, ownerReferences: [...(rs.metadata.ownerReferences ?? []), ref] } }) as ReplicaSet;
    });
  }

  function apply(d: Deployment, owned: ReplicaSet[], plan: DeploymentPlan) {
    const ns = d.metadata.namespace!;
    const created = plan.createReplicaSet ? (store.create(plan.createReplicaSet) as ReplicaSet) : undefined;
    if (created) {
      deps.log?.(`deployment ${ns}/${d.metadata.name}: created replicaset ${created.metadata.name}`);
      if ((created.spec.replicas ?? 0) > 0) scaled(d, created, 0);
    }
    for (const p of plan.adoptPods) {
      const hash = p.metadata.labels?.[templateHashLabel];
      const rs = created ?? owned.find((r) => r.metadata.labels?.[templateHashLabel] === hash);
      const fresh = store.get('Pod', ns, p.metadata.name!);
      if (!rs || !fresh) continue;
      const others = (fresh.metadata.ownerReferences ?? []).filter((r) => r.uid !== d.metadata.uid);
      const ref = controllerRef({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name!, uid: rs.metadata.uid! });
      store.update({ ...fresh, metadata: { ...fresh.metadata, ownerReferences: [...others, ref] } });
    }
    for (const p of plan.deletePods) deleteIfPresent(store, 'Pod', ns, p.metadata.name!, now);
    for (const rs of plan.updateReplicaSets) {
      // Read again: the ReplicaSet controller writes status in between, and a whole-object write would undo it.
      const fresh = store.get('ReplicaSet', ns, rs.metadata.name!) as ReplicaSet | undefined;
      if (!fresh || fresh.metadata.uid !== rs.metadata.uid) continue;
      if ((fresh.spec.replicas ?? 1) !== (rs.spec.replicas ?? 1)) scaled(d, rs, fresh.spec.replicas ?? 1);
      store.update({ ...fresh, metadata: { ...fresh.metadata, annotations: rs.metadata.annotations }, spec: { ...fresh.spec, replicas: rs.spec.replicas, minReadySeconds: rs.spec.minReadySeconds } });
    }
    for (const rs of plan.deleteReplicaSets) deleteIfPresent(store, 'ReplicaSet', ns, rs.metadata.name!, now);
    if (plan.revision) {
      const fresh = store.get('Deployment', ns, d.metadata.name!);
      if (fresh && fresh.metadata.uid === d.metadata.uid) {
        store.update({ ...fresh, metadata: { ...fresh.metadata, annotations: { ...(fresh.metadata.annotations ?? {}), [revisionAnnotation]: plan.revision } } });
      }
    }
    writeStatus(store, 'Deployment', d, plan.status);
  }

  /** Kubernetes' ScalingReplicaSet Event: "Scaled up replica set web-6d4f9 to 3 from 1". */
  function scaled(d: Deployment, rs: ReplicaSet, from: number) {
    const to = rs.spec.replicas ?? 1;
    const message = `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} to ${to} from ${from}`;
    deps.log?.(`deployment ${d.metadata.namespace}/${d.metadata.name}: ${message}`);
    deps.events?.record(refOf(d), 'Normal', 'ScalingReplicaSet', message, { component: 'deployment-controller' });
  }

  function ownerDeployment(o: KObject): string | undefined {
    const owner = controllerOf(o);
    if (owner?.kind === 'Deployment') return owner.name;
    if (owner?.kind !== 'ReplicaSet') return undefined;
    const rs = store.get('ReplicaSet', o.metadata.namespace ?? '', owner.name);
    const up = rs && controllerOf(rs);
    return up?.kind === 'Deployment' ? up.name : undefined;
  }

  function onEvent(e: StoreEvent) {
    const o = e.object;
    const ns = o.metadata.namespace;
    if (o.kind === 'Deployment' && e.type !== 'DELETED') queue.add(`${ns}/${o.metadata.name}`);
    if (o.kind === 'ReplicaSet' || o.kind === 'Pod') {
      const owner = o.kind === 'ReplicaSet' ? (controllerOf(o)?.kind === 'Deployment' ? controllerOf(o)!.name : undefined) : ownerDeployment(o);
      if (owner) queue.add(`${ns}/${owner}`);
      else if (o.kind === 'ReplicaSet' && !controllerOf(o) && e.type !== 'DELETED') {
        for (const d of store.list('Deployment', { namespace: ns }).items) queue.add(`${ns}/${d.metadata.name}`);
      }
    }
  }

  return {
    onEvent,
    resync() {
      for (const d of store.list('Deployment').items) queue.add(`${d.metadata.namespace}/${d.metadata.name}`);
    },
    idle: () => queue.idle(),
    stop() {
      requeue.stop();
      queue.stop();
    },
  };
}
