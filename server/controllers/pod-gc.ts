import { isKedgeError } from '../../shared/errors.js';
import type { Pod } from '../../shared/pod.js';
import { deleteObject } from '../deletion/delete.js';
import type { StoreEvent } from '../store/types.js';
import type { ControllerDeps } from './deployment.js';
import { createWorkQueue } from './queue.js';

/**
 * Pods bound to a node whose Node object was deleted: nothing will ever stop them or report them
 * stopped, so they are removed at once (Kubernetes' pod garbage collector does the same with such
 * orphaned pods); their controllers make replacements elsewhere.
 */
export function createPodGarbageCollector(deps: ControllerDeps) {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  let scanned = false;
  const queue = createWorkQueue({ name: 'pod-gc', reconcile: (node) => store.batch(() => collect(node)), log: deps.log });

  function collect(node: string) {
    if (store.get('Node', '', node)) return;
    for (const p of store.list('Pod', { fields: { 'spec.nodeName': node } }).items) {
      try {
        deleteObject(store, 'Pod', p.metadata.namespace ?? 'default', p.metadata.name!, { gracePeriodSeconds: 0 }, { now });
        deps.log?.(`pod-gc: deleted pod ${p.metadata.namespace}/${p.metadata.name} (node ${node} is gone)`);
      } catch (e) {
        if (!isKedgeError(e, 'NotFound')) throw e;
      }
    }
  }

  return {
    onEvent(e: StoreEvent) {
      if (e.object.kind === 'Node' && e.type === 'DELETED') queue.add(e.object.metadata.name!);
    },
    resync() {
      // Once after a start: a node deleted while the server was down.
      if (scanned) return;
      scanned = true;
      const nodes = new Set(store.list('Node').items.map((n) => n.metadata.name));
      for (const p of store.list('Pod').items as Pod[]) if (p.spec.nodeName && !nodes.has(p.spec.nodeName)) queue.add(p.spec.nodeName);
    },
    idle: () => queue.idle(),
    stop: () => queue.stop(),
  };
}
