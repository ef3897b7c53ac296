import { describe, expect, it } from 'vitest';
import type { KObject } from '../../shared/meta.js';
import { openStore } from '../store/store.js';
import { createGarbageCollector } from './gc.js';

const ref = (o: KObject) => ({ apiVersion: 'v1', kind: o.kind, name: o.metadata.name!, uid: o.metadata.uid! });
const cm = (name: string, owners: KObject[] = []): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', ...(owners.length ? { ownerReferences: owners.map(ref) } : {}) } });

describe('garbage collector', () => {
  it('deletes what an owner owned, down the chain, and keeps what another live owner still holds', async () => {
    const store = openStore(':memory:');
    const gc = createGarbageCollector({ store });
    const unwatch = store.watch((e) => gc.onEvent(e));
    const a = store.create(cm('a'));
    const b = store.create(cm('b'));
    const child = store.create(cm('child', [a]));
    store.create(cm('grandchild', [child]));
    store.create(cm('shared', [a, b]));
    store.create(cm('unrelated'));
    store.delete('ConfigMap', 'default', 'a');
    await gc.idle();
    expect(store.list('ConfigMap').items.map((o) => o.metadata.name)).toEqual(['b', 'shared', 'unrelated']);
    store.delete('ConfigMap', 'default', 'b');
    await gc.idle();
    expect(store.list('ConfigMap').items.map((o) => o.metadata.name)).toEqual(['unrelated']);
    unwatch();
    gc.stop();
    store.close();
  });

  it('the periodic pass finds dependents whose owner went while nobody watched (a crash)', async () => {
    const store = openStore(':memory:');
    const owner = store.create(cm('owner'));
    store.create(cm('orphan', [owner]));
    store.delete('ConfigMap', 'default', 'owner');
    const gc = createGarbageCollector({ store });
    gc.resync();
    await gc.idle();
    expect(store.list('ConfigMap').items).toEqual([]);
    gc.stop();
    store.close();
  });
});
