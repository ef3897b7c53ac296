import { createHash } from 'node:crypto';
import type { ConfigMap, Secret } from '../../shared/configmap.js';
import type { DesiredState } from '../../shared/messages.js';
import type { Pod } from '../../shared/pod.js';
import { topics } from '../../shared/topics.js';
import type { Store, StoreEvent } from '../store/types.js';
import { podConfigRefs } from './config-refs.js';
import { createConfigUsers } from './config-users.js';
import { createWorkQueue } from './queue.js';

export interface DesiredPublisherDeps {
  store: Store;
  publish(topic: string, payload: string, opts: { retain: boolean; qos: 0 | 1 }): Promise<void>;
  log?: (msg: string) => void;
}

/**
 * What a node needs of a pod: no status, resourceVersion or finalizers (they change without the node
 * having to act). A pod being deleted stays, with its deletionTimestamp and grace period: the node stops it.
 */
export function desiredPod(p: Pod): Pod {
  const { resourceVersion: _rv, generation: _g, finalizers: _f, ...metadata } = p.metadata;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: p.spec };
}

/** What a node needs of a ConfigMap or Secret: its name and data, no labels or versions. */
function desiredConfig<T extends ConfigMap | Secret>(o: T): T {
  const { name, namespace, uid } = o.metadata;
  const out = { apiVersion: 'v1', kind: o.kind, metadata: { name, namespace, uid }, data: o.data } as T;
  if (o.kind === 'ConfigMap' && o.binaryData) (out as ConfigMap).binaryData = o.binaryData;
  if (o.kind === 'Secret' && o.type) (out as Secret).type = o.type;
  return out;
}

const byKey = (a: { metadata: { namespace?: string; name?: string } }, b: typeof a) =>
  `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);

/**
 * The node's desired state: its pods, and only the ConfigMaps and Secrets those pods use (a Secret
 * never reaches a node that runs no pod using it). Missing ones are left out: the agent reports
 * CreateContainerConfigError naming them.
 */
export function desiredStateFor(store: Store, node: string): Omit<DesiredState, 'revision'> {
  const pods = (store.list('Pod', { fields: { 'spec.nodeName': node } }).items as Pod[]).map(desiredPod).sort(byKey);
  const wanted = { ConfigMap: new Set<string>(), Secret: new Set<string>() };
  for (const p of pods) {
    const ns = p.metadata.namespace ?? 'default';
    const refs = podConfigRefs(p);
    for (const n of refs.configMaps) wanted.ConfigMap.add(`${ns}/${n}`);
    for (const n of refs.secrets) wanted.Secret.add(`${ns}/${n}`);
  }
  const fetch = <T extends ConfigMap | Secret>(kind: 'ConfigMap' | 'Secret'): T[] =>
    [...wanted[kind]]
      .sort()
      .map((key) => {
        const slash = key.indexOf('/');
        return store.get(kind, key.slice(0, slash), key.slice(slash + 1)) as T | undefined;
      })
      .filter((o): o is T => !!o)
      .map(desiredConfig);
  const configMaps = fetch<ConfigMap>('ConfigMap');
  const secrets = fetch<Secret>('Secret');
  return { node, pods, ...(configMaps.length ? { configMaps } : {}), ...(secrets.length ? { secrets } : {}) };
}

/**
 * Publishes each node's whole desired state as one retained message (level-triggered: a lost
 * message is repaired by the next). Republishes only when it really changed: a changed ConfigMap
 * or Secret reaches the nodes that use it (running containers keep their env, as in Kubernetes).
 */
export function createDesiredPublisher(deps: DesiredPublisherDeps) {
  /** A digest of what each node was last sent (a whole copy per node would cost megabytes in a fleet). */
  const sent = new Map<string, string>();
  const queue = createWorkQueue({ name: 'desired', reconcile: publishNode, log: deps.log, delayMs: 5 });
  const configUsers = createConfigUsers(deps.store);
  let started = false;

  async function publishNode(node: string) {
    // Objects come out of the store with a stable key order, so equal states serialise equally.
    const body = JSON.stringify(desiredStateFor(deps.store, node));
    const digest = createHash('sha256').update(body).digest('base64');
    if (sent.get(node) === digest) return;
    const msg = `{"revision":${deps.store.currentResourceVersion()},${body.slice(1)}`;
    await deps.publish(topics.desired(node), msg, { retain: true, qos: 1 });
    sent.set(node, digest);
  }

  return {
    onEvent(e: StoreEvent) {
      const o = e.object;
      configUsers.onEvent(e);
      if (o.kind === 'Pod') {
        const node = (o as Pod).spec.nodeName;
        if (node) queue.add(node);
      } else if (o.kind === 'Node' && e.type === 'ADDED') queue.add(o.metadata.name!);
      else if (o.kind === 'Node' && e.type === 'DELETED') sent.delete(o.metadata.name!);
      else if (o.kind === 'ConfigMap' || o.kind === 'Secret') {
        for (const node of configUsers.nodesUsing(o.kind, o.metadata.namespace ?? 'default', o.metadata.name!)) queue.add(node);
      }
    },
    /**
     * After a server restart the broker's retained messages are gone: the first pass publishes every
     * node's set. Later passes only retry nodes never sent (store events cover every change, and
     * recomputing thousands of nodes every resync would stall the API).
     */
    resync() {
      for (const n of deps.store.list('Node').items) if (!started || !sent.has(n.metadata.name!)) queue.add(n.metadata.name!);
      started = true;
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
