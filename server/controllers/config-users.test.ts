import { describe, expect, it } from 'vitest';
import type { KObject } from '../../shared/meta.js';
import { openStore } from '../store/store.js';
import { createConfigUsers } from './config-users.js';

const pod = (name: string, node: string, cm?: string, namespace = 'default'): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { nodeName: node, containers: [{ name: 'c', image: 'i', ...(cm ? { envFrom: [{ configMapRef: { name: cm } }] } : {}) }] },
});

describe('config users index', () => {
  it('builds from the store on first use, then follows pod creates, moves and deletes', () => {
    const store = openStore(':memory:');
    store.create(pod('before', 'a', 'cfg'));
    store.create(pod('plain', 'b'));
    const users = createConfigUsers(store);
    const unwatch = store.watch((e) => users.onEvent(e));
    expect([...users.nodesUsing('ConfigMap', 'default', 'cfg')]).toEqual(['a']);
    store.create(pod('later', 'c', 'cfg'));
    store.create(pod('other-ns', 'd', 'cfg', 'other'));
    expect([...users.nodesUsing('ConfigMap', 'default', 'cfg')].sort()).toEqual(['a', 'c']);
    expect([...users.nodesUsing('ConfigMap', 'other', 'cfg')]).toEqual(['d']);
    expect([...users.nodesUsing('Secret', 'default', 'cfg')]).toEqual([]);
    // The pod stops using it; another one is deleted.
    const later = store.get('Pod', 'default', 'later')!;
    store.update({ ...later, spec: { ...(later as { spec: object }).spec, containers: [{ name: 'c', image: 'i' }] } } as KObject);
    store.delete('Pod', 'default', 'before');
    expect([...users.nodesUsing('ConfigMap', 'default', 'cfg')]).toEqual([]);
    unwatch();
    store.close();
  });

  it('ignores events before its first use (the first pass reads them from the store)', () => {
    const store = openStore(':memory:');
    const users = createConfigUsers(store);
    const unwatch = store.watch((e) => users.onEvent(e));
    store.create(pod('p', 'n1', 'cfg'));
    store.delete('Pod', 'default', 'p');
    store.create(pod('p', 'n2', 'cfg'));
    expect([...users.nodesUsing('ConfigMap', 'default', 'cfg')]).toEqual(['n2']);
    unwatch();
    store.close();
  });
});
