import type { Deployment } from '../../shared/deployment.js';
import { isKedgeError } from '../../shared/errors.js';
import type { Pod } from '../../shared/pod.js';
import type { Store, StoreEvent } from '../store/types.js';
import { planDeployment } from './deployment-plan.js';
import { controllerUid } from './pod-ready.js';
import { createWorkQueue } from './queue.js';

export interface ControllerDeps {
  store: Store;
  now?: () => Date;
  random?: () => number;
  log?: (msg: string) => void;
}

/** Keeps each Deployment's pods at `replicas` of its current template and writes its status. */
export function createDeploymentController(deps: ControllerDeps) {
  const now = deps.now ?? (() => new Date());
  const queue = createWorkQueue({ name: 'deployment', reconcile, log: deps.log });

  function reconcile(key: string) {
    const [ns, name] = key.split('/') as [string, string];
    const d = deps.store.get('Deployment', ns, name) as Deployment | undefined;
    if (!d || d.metadata.deletionTimestamp) return;
    const owned = (deps.store.list('Pod', { namespace: ns }).items as Pod[]).filter((p) => controllerUid(p) === d.metadata.uid);
    const plan = planDeployment(d, owned, now(), deps.random);
    for (const p of plan.delete) {
      try {
        deps.store.delete('Pod', ns, p.metadata.name!);
      } catch (e) {
        if (!isKedgeError(e, 'NotFound')) throw e;
      }
    }
    for (const p of plan.create) deps.store.create(p);
    if (plan.create.length || plan.delete.length) deps.log?.(`deployment ${key}: created ${plan.create.length} pod(s), deleted ${plan.delete.length}`);
    const fresh = deps.store.get('Deployment', ns, name) as Deployment | undefined;
    if (fresh && fresh.metadata.uid === d.metadata.uid) deps.store.update({ ...fresh, status: plan.status }, { subresource: 'status' });
  }

  function onEvent(e: StoreEvent) {
    const o = e.object;
    if (o.kind === 'Deployment' && e.type !== 'DELETED') queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
    if (o.kind === 'Pod') {
      const owner = o.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Deployment');
      if (owner) queue.add(`${o.metadata.namespace}/${owner.name}`);
    }
  }

  return {
    onEvent,
    resync() {
      for (const d of deps.store.list('Deployment').items) queue.add(`${d.metadata.namespace}/${d.metadata.name}`);
    },
    idle: () => queue.idle(),
    stop: () => queue.stop(),
  };
}
