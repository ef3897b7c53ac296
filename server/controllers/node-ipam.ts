import type { Node } from '../../shared/node.js';
import { parseCidr } from '../../shared/cidr.js';
import { refOf, type EventRecorder } from '../events/recorder.js';
import { pickSubnet } from '../network/allocator.js';
import { pools } from '../network/claims.js';
import { nodeMaskBits, type NetworkSettings } from '../network/settings.js';
import type { Store, StoreEvent } from '../store/types.js';
import { createWorkQueue } from './queue.js';

export interface NodeIpamDeps {
  store: Store;
  network: NetworkSettings;
  log?: (msg: string) => void;
  events?: Pick<EventRecorder, 'record'>;
}

const hasRange = (n: Node) => !!(n.spec?.podCIDR || n.spec?.podCIDRs?.length);

/**
 * Gives every node a /24 of the cluster range in spec.podCIDR(s) as it registers. The store's claims
 * keep one range per node across restarts and free it with the node. When the range is used up the
 * node gets a Warning Event and waits: a node deleted later frees a range for it.
 */
export function createNodeIpamController(deps: NodeIpamDeps) {
  const { store } = deps;
  const range = parseCidr(deps.network.clusterCIDR)!;
  const queue = createWorkQueue({ name: 'node-ipam', reconcile: (name) => store.batch(() => assign(name)), log: deps.log, delayMs: 1 });
  /** Nodes told there is no range left; told once until they get one. */
  const waiting = new Set<string>();
  let started = false;

  function assign(name: string) {
    const node = store.get('Node', '', name) as Node | undefined;
    if (!node || hasRange(node)) {
      waiting.delete(name);
      return;
    }
    const cidr = pickSubnet(range, nodeMaskBits, new Set(store.claims.values(pools.podCIDR)));
    if (!cidr) {
      if (!waiting.has(name)) {
        deps.log?.(`node ${name}: no /${nodeMaskBits} left in the cluster range ${deps.network.clusterCIDR}; its pods cannot get addresses until a node is deleted or the range is made larger (--cluster-cidr)`);
        deps.events?.record(refOf(node), 'Warning', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`, { component: 'cidrAllocator' });
      }
      waiting.add(name);
      return;
    }
    store.update({ ...node, spec: { ...(node.spec ?? {}), podCIDR: cidr, podCIDRs: [cidr] } });
    waiting.delete(name);
    deps.log?.(`node ${name}: pod range ${cidr}`);
  }

  return {
    onEvent(e: StoreEvent) {
      if (e.object.kind !== 'Node') return;
      const n = e.object as Node;
      if (e.type === 'DELETED') {
        waiting.delete(n.metadata.name!);
        if (hasRange(n)) for (const w of waiting) queue.add(w);
      } else if (!hasRange(n)) queue.add(n.metadata.name!);
    },
    /** Store events cover every later change; reading every node again each resync would cost a fleet dearly. */
    resync() {
      if (!started) for (const n of store.list('Node').items as Node[]) if (!hasRange(n)) queue.add(n.metadata.name!);
      for (const w of waiting) queue.add(w);
      started = true;
    },
    idle: () => queue.idle(),
    stop: () => queue.stop(),
  };
}
