import type { DesiredState } from '../../shared/messages.js';
import type { Pod } from '../../shared/pod.js';
import { topics } from '../../shared/topics.js';
import type { Store, StoreEvent } from '../store/types.js';
import { createWorkQueue } from './queue.js';
import { stableStringify } from './template-hash.js';

export interface DesiredPublisherDeps {
  store: Store;
  publish(topic: string, payload: string, opts: { retain: boolean; qos: 0 | 1 }): Promise<void>;
  log?: (msg: string) => void;
}

/** What a node needs of a pod: no status, no resourceVersion (both change without the node having to act). */
export function desiredPod(p: Pod): Pod {
  const { resourceVersion: _rv, generation: _g, ...metadata } = p.metadata;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: p.spec };
}

/**
 * Publishes each node's whole desired pod set as one retained message (level-triggered: a lost
 * message is repaired by the next). Republishes only when the set really changed.
 */
export function createDesiredPublisher(deps: DesiredPublisherDeps) {
  const sent = new Map<string, string>();
  const queue = createWorkQueue({ name: 'desired', reconcile: publishNode, log: deps.log, delayMs: 5 });

  async function publishNode(node: string) {
    const pods = (deps.store.list('Pod', { fields: { 'spec.nodeName': node } }).items as Pod[])
      .filter((p) => !p.metadata.deletionTimestamp)
      .map(desiredPod)
      .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
    const fingerprint = stableStringify(pods);
    if (sent.get(node) === fingerprint) return;
    const msg: DesiredState = { node, revision: deps.store.currentResourceVersion(), pods };
    await deps.publish(topics.desired(node), JSON.stringify(msg), { retain: true, qos: 1 });
    sent.set(node, fingerprint);
  }

  return {
    onEvent(e: StoreEvent) {
      const o = e.object;
      if (o.kind === 'Pod') {
        const node = (o as Pod).spec.nodeName;
        if (node) queue.add(node);
      } else if (o.kind === 'Node' && e.type === 'ADDED') queue.add(o.metadata.name!);
    },
    /** After a server restart the broker's retained messages are gone: publish every node's set again. */
    resync() {
      for (const n of deps.store.list('Node').items) queue.add(n.metadata.name!);
    },
    /** Forget what was sent to a node so the next pass republishes (e.g. it reconnected). */
    invalidate(node: string) {
      sent.delete(node);
      queue.add(node);
    },
    idle: () => queue.idle(),
    stop: () => queue.stop(),
  };
}
