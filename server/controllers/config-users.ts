import type { Pod } from '../../shared/pod.js';
import type { Store, StoreEvent } from '../store/types.js';
import { podConfigRefs } from './config-refs.js';

type ConfigKind = 'ConfigMap' | 'Secret';

interface PodRefs {
  node?: string;
  keys: string[];
}

const configKey = (kind: ConfigKind, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

/**
 * Which nodes run a pod that uses a given ConfigMap or Secret, kept from the pod change stream so a
 * ConfigMap change does not decode every pod of its namespace. Only pods that use one are held.
 * Built on first use from one pass over the pods; until then events are ignored (the pass sees them).
 */
export function createConfigUsers(store: Pick<Store, 'list'>) {
  let pods: Map<string, PodRefs> | undefined;
  const users = new Map<string, Set<string>>();

  function forget(podKey: string) {
    const old = pods!.get(podKey);
    if (!old) return;
    pods!.delete(podKey);
    for (const k of old.keys) {
      const set = users.get(k);
      set?.delete(podKey);
      if (set?.size === 0) users.delete(k);
    }
  }

  function remember(p: Pod) {
    const ns = p.metadata.namespace ?? 'default';
    const refs = podConfigRefs(p);
    const keys = [...[...refs.configMaps].map((n) => configKey('ConfigMap', ns, n)), ...[...refs.secrets].map((n) => configKey('Secret', ns, n))];
    if (keys.length === 0) return;
    const podKey = `${ns}/${p.metadata.name}`;
    pods!.set(podKey, { node: p.spec.nodeName || undefined, keys });
    for (const k of keys) {
      let set = users.get(k);
      if (!set) users.set(k, (set = new Set()));
      set.add(podKey);
    }
  }

  function build() {
    pods = new Map();
    for (const p of store.list('Pod').items as Pod[]) remember(p);
  }

  return {
    onEvent(e: StoreEvent) {
      if (!pods || e.object.kind !== 'Pod') return;
      const p = e.object as Pod;
      forget(`${p.metadata.namespace ?? 'default'}/${p.metadata.name}`);
      if (e.type !== 'DELETED') remember(p);
    },
    /** Nodes running a pod that uses this ConfigMap or Secret. */
    nodesUsing(kind: ConfigKind, namespace: string, name: string): Set<string> {
      if (!pods) build();
      const nodes = new Set<string>();
      for (const podKey of users.get(configKey(kind, namespace, name)) ?? []) {
        const node = pods!.get(podKey)?.node;
        if (node) nodes.add(node);
      }
      return nodes;
    },
  };
}
