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
    // The reference to the gone owner goes, so the periodic pass need not look at it again.
    expect(store.get('ConfigMap', 'default', 'shared')?.metadata.ownerReferences?.map((r) => r.name)).toEqual(['b']);
    expect(store.missingOwners()).toEqual([]);
    store.delete('ConfigMap', 'default', 'b');
    await gc.idle();
    expect(store.list('ConfigMap').items.map((o) => o.metadata.name)).toEqual(['unrelated']);
    unwatch();
    gc.stop();
    store.close();
  });

  it('foreground: the owner keeps its finalizer until blocking dependents are gone; a dependent with another live owner only loses the reference', async () => {
    const store = openStore(':memory:');
    const gc = createGarbageCollector({ store });
    const unwatch = store.watch((e) => gc.onEvent(e));
    const owner = store.create(cm('owner'));
    const other = store.create(cm('other'));
    const blocking = { ...ref(owner), blockOwnerDeletion: true };
    store.create({ ...cm('held'), metadata: { name: 'held', namespace: 'default', ownerReferences: [blocking], finalizers: ['example.com/hold'] } });
    store.create({ ...cm('shared'), metadata: { name: 'shared', namespace: 'default', ownerReferences: [blocking, ref(other)] } });
    store.update({ ...owner, metadata: { ...owner.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 0, finalizers: ['foregroundDeletion'] } });
    await gc.idle();
    expect(store.get('ConfigMap', 'default', 'owner')?.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(store.get('ConfigMap', 'default', 'held')?.metadata.deletionTimestamp).toBeDefined();
    expect(store.get('ConfigMap', 'default', 'shared')?.metadata.ownerReferences?.map((r) => r.name)).toEqual(['other']);

    const held = store.get('ConfigMap', 'default', 'held')!;
    store.update({ ...held, metadata: { ...held.metadata, finalizers: [] } });
    await gc.idle();
    expect(store.list('ConfigMap').items.map((o) => o.metadata.name)).toEqual(['other', 'shared']);
    unwatch();
    gc.stop();
    store.close();
  });

  it('orphan: the dependents lose their reference, then the owner goes', async () => {
    const store = openStore(':memory:');
    const gc = createGarbageCollector({ store });
    const unwatch = store.watch((e) => gc.onEvent(e));
    const owner = store.create(cm('owner'));
    store.create(cm('child', [owner]));
    store.update({ ...owner, metadata: { ...owner.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 0, finalizers: ['orphan', 'example.com/mine'] } });
    await gc.idle();
    expect(store.get('ConfigMap', 'default', 'child')?.metadata.ownerReferences).toBeUndefined();
    expect(store.get('ConfigMap', 'default', 'owner')?.metadata.finalizers).toEqual(['example.com/mine']);
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
