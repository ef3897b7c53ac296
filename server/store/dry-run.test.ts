import { describe, expect, it } from 'vitest';
import type { KObject } from '../../shared/meta.js';
import type { StoreEvent } from './types.js';
import { openStore } from './store.js';

const cm = (name: string, v = '1', owner?: string): KObject =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default', ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: owner }] } : {}) },
    data: { v },
  }) as KObject;

const names = (store: ReturnType<typeof openStore>) => store.list('ConfigMap').items.map((o) => `${o.metadata.name}=${(o as { data?: { v?: string } }).data?.v}`);

describe('store dryRun', () => {
  it('returns what the writes would produce, stores none of it and tells nobody', () => {
    const store = openStore(':memory:');
    store.create(cm('kept'));
    const seen: StoreEvent[] = [];
    store.watch((e) => seen.push(e));
    const out = store.dryRun(() => {
      const made = store.create({ ...cm(''), metadata: { namespace: 'default', generateName: 'gen-' } } as KObject);
      const changed = store.update(cm('kept', '2'));
      const gone = store.delete('ConfigMap', 'default', 'kept');
      // Inside, reads see the dry run's own writes, as they would in a batch.
      expect(store.get('ConfigMap', 'default', 'kept')).toBeUndefined();
      return { made, changed, gone };
    });
    expect(out.made.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(out.made.metadata.uid).toBeTruthy();
    expect(out.changed.metadata.generation).toBe(1);
    expect((out.changed as { data?: unknown }).data).toEqual({ v: '2' });
    expect(out.gone.metadata.name).toBe('kept');
    expect(seen).toEqual([]);
    expect(store.currentResourceVersion()).toBe(1);
    expect(names(store)).toEqual(['kept=1']);
    // The counter was never used: the next real write takes the next number.
    expect(store.create(cm('after')).metadata.resourceVersion).toBe('2');
    expect(seen.map((e) => `${e.type} ${e.object.metadata.name} ${e.rv}`)).toEqual(['ADDED after 2']);
    store.close();
  });

  it('fails as the real write fails, and leaves nothing behind', () => {
    const store = openStore(':memory:');
    store.create(cm('a'));
    expect(() => store.dryRun(() => store.create(cm('a')))).toThrow(/already exists/);
    expect(() => store.dryRun(() => store.update(cm('a'), { expectResourceVersion: '7' }))).toThrow(/has been modified/);
    expect(() => store.dryRun(() => store.delete('ConfigMap', 'default', 'missing'))).toThrow(/not found/);
    expect(() =>
      store.dryRun(() => {
        store.create(cm('b'));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(names(store)).toEqual(['a=1']);
    expect(store.currentResourceVersion()).toBe(1);
    store.close();
  });

  it('rolls back the owner index with the objects', () => {
    const store = openStore(':memory:');
    store.dryRun(() => store.create(cm('child', '1', 'owner-uid')));
    expect(store.ownedBy('owner-uid')).toEqual([]);
    expect(store.missingOwners()).toEqual([]);
    store.close();
  });

  it('inside a batch, rolls back only its own writes and keeps the batch\'s events', () => {
    const store = openStore(':memory:');
    const seen: string[] = [];
    store.watch((e) => seen.push(`${e.type} ${e.object.metadata.name} ${e.rv}`));
    store.batch(() => {
      store.create(cm('real'));
      store.dryRun(() => store.batch(() => store.create(cm('preview'))));
      store.update(cm('real', '2'));
    });
    expect(names(store)).toEqual(['real=2']);
    expect(seen).toEqual(['ADDED real 1', 'MODIFIED real 2']);
    store.close();
  });
});
