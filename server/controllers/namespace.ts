import { removeNamespaceContents } from '../deletion/namespace-contents.js';
import type { StoreEvent } from '../store/types.js';
import type { ControllerDeps } from './deployment.js';
import { createWorkQueue } from './queue.js';

/**
 * Empties namespaces that are being deleted (Kubernetes' namespace controller): the API starts each
 * deletion with one pass; what had to wait (pods stopping on their nodes, finalizers) brings the
 * namespace back here when it goes, and the namespace goes after the last of it.
 */
export function createNamespaceController(deps: ControllerDeps) {
  const now = deps.now ?? (() => new Date());
  const terminating = new Set<string>();
  const queue = createWorkQueue({
    name: 'namespace',
    reconcile: (name) => {
      const left = removeNamespaceContents(deps.store, name, now);
      if (left > 0) deps.log?.(`namespace ${name}: waiting for ${left} object(s) to go`);
    },
    log: deps.log,
  });

  return {
    onEvent(e: StoreEvent) {
      const o = e.object;
      if (o.kind === 'Namespace') {
        if (e.type !== 'DELETED' && o.metadata.deletionTimestamp) {
          terminating.add(o.metadata.name!);
          queue.add(o.metadata.name!);
        } else terminating.delete(o.metadata.name!);
        return;
      }
      // Something inside went (or a controller created something): look again.
      const ns = o.metadata.namespace;
      if (ns && e.type !== 'MODIFIED' && terminating.has(ns)) queue.add(ns);
    },
    resync() {
      for (const ns of deps.store.list('Namespace').items) {
        if (!ns.metadata.deletionTimestamp) continue;
        terminating.add(ns.metadata.name!);
        queue.add(ns.metadata.name!);
      }
    },
    idle: () => queue.idle(),
    stop: () => queue.stop(),
  };
}
