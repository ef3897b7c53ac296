import type { ConfigMap, Secret } from '../../shared/configmap.js';
import type { DesiredState } from '../../shared/messages.js';
import type { Pod } from '../../shared/pod.js';
import { topics } from '../../shared/topics.js';
import type { Store, StoreEvent } from '../store/types.js';
import { podConfigRefs, podUses } from './config-refs.js';
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
  const pods = (store.list('Pod', { fields: { 'spec.nodeName': node } }).items as Pod[])
    .filter((p) => !p.metadata.deletionTimestamp)
    .map(desiredPod)
    .sort(byKey);
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
  const sent = new Map<string, string>();
  const queue = createWorkQueue({ name: 'desired', reconcile: publishNode, log: deps.log, delayMs: 5 });

  async function publishNode(node: string) {
    const state = desiredStateFor(deps.store, node);
    const fingerprint = stableStringify(state);
    if (sent.get(node) === fingerprint) return;
    const msg: DesiredState = { ...state, revision: deps.store.currentResourceVersion() };
    await deps.publish(topics.desired(node), JSON.stringify(msg), { retain: true, qos: 1 });
    sent.set(node, fingerprint);
  }

  /** Nodes running a pod that uses this ConfigMap or Secret. */
  function usersOf(kind: 'ConfigMap' | 'Secret', namespace: string, name: string): Set<string> {
    const nodes = new Set<string>();
    for (const p of deps.store.list('Pod', { namespace }).items as Pod[]) {
      if (p.spec.nodeName && podUses(p, kind, name)) nodes.add(p.spec.nodeName);
    }
    return nodes;
  }

  return {
    onEvent(e: StoreEvent) {
      const o = e.object;
      if (o.kind === 'Pod') {
        const node = (o as Pod).spec.nodeName;
        if (node) queue.add(node);
      } else if (o.kind === 'Node' && e.type === 'ADDED') queue.add(o.metadata.name!);
      else if (o.kind === 'ConfigMap' || o.kind === 'Secret') {
        for (const node of usersOf(o.kind, o.metadata.namespace ?? 'default', o.metadata.name!)) queue.add(node);
      }
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
