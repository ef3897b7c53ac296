import { describe, expect, it } from 'vitest';
import type { KObject } from '../../shared/meta.js';
import type { StoreEvent } from './types.js';
import { openStore } from './store.js';

const cm = (name: string, v = '1'): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { v } }) as KObject;

describe('store batch', () => {
  it('commits its writes together and tells watchers only afterwards, in order', () => {
    const store = openStore(':memory:');
    const seen: string[] = [];
    store.watch((e: StoreEvent) => seen.push(`${e.type} ${e.object.metadata.name} ${e.rv}`));
    const out = store.batch(() => {
      store.create(cm('a'));
      const b = store.create(cm('b'));
      store.update({ ...b, data: { v: '2' } } as KObject);
      // Reads inside see the batch's own writes; watchers have heard nothing yet.
      expect((store.get('ConfigMap', 'default', 'b') as { data?: unknown } | undefined)?.data).toEqual({ v: '2' });
      expect(seen).toEqual([]);
      return 'done';
    });
    expect(out).toBe('done');
    expect(seen).toEqual(['ADDED a 1', 'ADDED b 2', 'MODIFIED b 3']);
    expect(store.currentResourceVersion()).toBe(3);
    store.close();
  });

  it('writes nothing, tells nobody and keeps the resourceVersion when the batch throws', () => {
    const store = openStore(':memory:');
    store.create(cm('kept'));
    const seen: string[] = [];
    store.watch((e: StoreEvent) => seen.push(e.object.metadata.name!));
    expect(() =>
      store.batch(() => {
        store.create(cm('x'));
        store.delete('ConfigMap', 'default', 'kept');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(seen).toEqual([]);
    expect(store.currentResourceVersion()).toBe(1);
    expect(store.list('ConfigMap').items.map((o) => o.metadata.name)).toEqual(['kept']);
    // The next write continues from the kept counter.
    expect(store.create(cm('after')).metadata.resourceVersion).toBe('2');
    store.close();
  });

  it('a failed write caught inside the batch leaves the others in place; batches nest', () => {
    const store = openStore(':memory:');
    store.batch(() => {
      store.create(cm('a'));
      expect(() => store.create(cm('a'))).toThrow(/already exists/);
      store.batch(() => store.create(cm('inner')));
    });
    expect(store.list('ConfigMap').items.map((o) => o.metadata.name)).toEqual(['a', 'inner']);
    expect(store.currentResourceVersion()).toBe(2);
    store.close();
  });
});
