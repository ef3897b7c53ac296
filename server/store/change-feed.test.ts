import { describe, expect, it } from 'vitest';
import { isKedgeError } from '../../shared/errors.js';
import type { KObject } from '../../shared/meta.js';
import { openStore } from './store.js';
import type { StoreEvent } from './types.js';

const cm = (name: string, data = 'x'): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { data } });

describe('watch', () => {
  it('delivers ADDED, MODIFIED and DELETED synchronously after commit', () => {
    const s = openStore(':memory:');
    const seen: string[] = [];
    const stop = s.watch((e) => {
      // The change is already committed when the listener runs.
      expect(s.currentResourceVersion()).toBe(e.rv);
      seen.push(`${e.type} ${e.object.metadata.name} ${e.rv} ${e.object.metadata.resourceVersion}`);
    });
    s.create(cm('a'));
    s.update(cm('a', 'y'));
    s.delete('Pod', 'default', 'a');
    expect(seen).toEqual(['ADDED a 1 1', 'MODIFIED a 2 2', 'DELETED a 3 3']);
    stop();
    s.create(cm('b'));
    expect(seen).toHaveLength(3);
  });

  it('keeps other listeners running when one throws', () => {
    const logs: string[] = [];
    const s = openStore(':memory:', { log: (m) => logs.push(m) });
    const good: number[] = [];
    s.watch(() => {
      throw new Error('boom');
    });
    s.watch((e) => good.push(e.rv));
    s.create(cm('a'));
    expect(good).toEqual([1]);
    expect(logs[0]).toContain('boom');
  });

  it('gives each listener its own copy of the object', () => {
    const s = openStore(':memory:');
    const got: KObject[] = [];
    s.watch((e) => {
      e.object.metadata.name = 'mutated';
    });
    s.watch((e) => got.push(e.object));
    s.create(cm('a'));
    expect(got[0]!.metadata.name).toBe('a');
  });

  it('resumes after a resourceVersion by replaying buffered changes', () => {
    const s = openStore(':memory:');
    s.create(cm('a'));
    s.create(cm('b'));
    s.update(cm('a', 'z'));
    const seen: StoreEvent[] = [];
    s.watch((e) => seen.push(e), { sinceResourceVersion: 1 });
    expect(seen.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b', 'MODIFIED a']);
    s.delete('Pod', 'default', 'b');
    expect(seen.map((e) => e.rv)).toEqual([2, 3, 4]);
  });

  it('answers Gone when the resourceVersion is older than the buffer', () => {
    const s = openStore(':memory:', { watchHistory: 3 });
    for (const n of ['a', 'b', 'c', 'd', 'e']) s.create(cm(n));
    let err: unknown;
    try {
      s.watch(() => {}, { sinceResourceVersion: 1 });
    } catch (e) {
      err = e;
    }
    expect(isKedgeError(err, 'Gone')).toBe(true);
    expect((err as Error).message).toContain('too old resource version: 1');
    const seen: number[] = [];
    s.watch((e) => seen.push(e.rv), { sinceResourceVersion: 2 });
    expect(seen).toEqual([3, 4, 5]);
  });
});
