import { describe, expect, it } from 'vitest';
import { isKedgeError } from '../../shared/errors.js';
import type { KObject } from '../../shared/meta.js';
import { parseSelector } from '../../shared/selector.js';
import { openStore } from './store.js';

function pod(name: string, extra: Partial<KObject> = {}, labels?: Record<string, string>): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
    ...extra,
  };
}

function fixedStore() {
  let n = 0;
  return openStore(':memory:', { now: () => new Date('2024-05-01T10:00:00.123Z'), uid: () => `uid-${++n}` });
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isKedgeError(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe('create', () => {
  it('assigns uid, timestamp, generation and a resourceVersion from the global counter', () => {
    const s = fixedStore();
    const p = s.create(pod('web'));
    expect(p.metadata).toMatchObject({ name: 'web', namespace: 'default', uid: 'uid-1', creationTimestamp: '2024-05-01T10:00:00Z', resourceVersion: '1', generation: 1 });
    expect(s.get('Pod', 'default', 'web')).toEqual(p);
    expect(s.currentResourceVersion()).toBe(1);
  });

  it('refuses a duplicate name with AlreadyExists naming the object', () => {
    const s = fixedStore();
    s.create(pod('web'));
    expect(() => s.create(pod('web'))).toThrow('pods "web" already exists');
    expect(codeOf(() => s.create(pod('web')))).toBe('AlreadyExists');
    expect(s.currentResourceVersion()).toBe(1);
  });

  it('allows the same name in another namespace or kind', () => {
    const s = fixedStore();
    s.create(pod('web'));
    s.create({ ...pod('web'), metadata: { name: 'web', namespace: 'other' } });
    s.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: {} });
    expect(s.list('Pod').items).toHaveLength(2);
  });

  it('makes a name from generateName plus 5 random characters', () => {
    const s = fixedStore();
    const a = s.create({ ...pod(''), metadata: { generateName: 'web-', namespace: 'default' } });
    const b = s.create({ ...pod(''), metadata: { generateName: 'web-', namespace: 'default' } });
    expect(a.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(b.metadata.name).not.toBe(a.metadata.name);
  });

  it('requires a name or generateName', () => {
    const s = fixedStore();
    expect(() => s.create({ ...pod(''), metadata: { namespace: 'default' } })).toThrow('metadata.name');
  });

  it('keeps cluster-scoped objects without a namespace key', () => {
    const s = fixedStore();
    const ns = s.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    expect(ns.metadata).not.toHaveProperty('namespace');
    expect(s.get('Namespace', '', 'prod')?.metadata.name).toBe('prod');
  });
});

describe('resourceVersion', () => {
  it('is monotonic across kinds and verbs', () => {
    const s = fixedStore();
    const seen: number[] = [];
    seen.push(Number(s.create(pod('a')).metadata.resourceVersion));
    seen.push(Number(s.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }).metadata.resourceVersion));
    seen.push(Number(s.update({ ...pod('a'), status: { phase: 'Running' } }).metadata.resourceVersion));
    seen.push(Number(s.delete('Node', '', 'n1').metadata.resourceVersion));
    seen.push(Number(s.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' } }).metadata.resourceVersion));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(s.list('Pod').resourceVersion).toBe('5');
  });
});

describe('update', () => {
  it('keeps uid and creationTimestamp whatever the caller sends', () => {
    const s = fixedStore();
    const p = s.create(pod('web'));
    const u = s.update({ ...p, metadata: { ...p.metadata, creationTimestamp: 'x', labels: { a: 'b' } } });
    expect(u.metadata.uid).toBe('uid-1');
    expect(u.metadata.creationTimestamp).toBe('2024-05-01T10:00:00Z');
    expect(u.metadata.labels).toEqual({ a: 'b' });
  });

  it('is NotFound for an absent object', () => {
    const s = fixedStore();
    expect(codeOf(() => s.update(pod('ghost')))).toBe('NotFound');
    expect(() => s.update(pod('ghost'))).toThrow('pods "ghost" not found');
  });

  it('is a Conflict when expectResourceVersion is stale', () => {
    const s = fixedStore();
    const p = s.create(pod('web'));
    s.update({ ...p, metadata: { ...p.metadata, labels: { v: '2' } } });
    const stale = { ...p, metadata: { ...p.metadata, labels: { v: '3' } } };
    expect(codeOf(() => s.update(stale, { expectResourceVersion: p.metadata.resourceVersion }))).toBe('Conflict');
    expect(s.get('Pod', 'default', 'web')?.metadata.labels).toEqual({ v: '2' });
    expect(s.update(stale, { expectResourceVersion: '2' }).metadata.labels).toEqual({ v: '3' });
  });

  it('is a Conflict when the uid belongs to an earlier object of the same name', () => {
    const s = fixedStore();
    const old = s.create(pod('web'));
    s.delete('Pod', 'default', 'web');
    s.create(pod('web'));
    expect(codeOf(() => s.update({ ...old, status: { phase: 'Running' } }))).toBe('Conflict');
  });

  it('bumps generation only when spec changes', () => {
    const s = fixedStore();
    const p = s.create(pod('web'));
    const labelled = s.update({ ...p, metadata: { ...p.metadata, labels: { a: 'b' } } });
    expect(labelled.metadata.generation).toBe(1);
    const withStatus = s.update({ ...labelled, status: { phase: 'Running' } });
    expect(withStatus.metadata.generation).toBe(1);
    const respec = s.update({ ...withStatus, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } });
    expect(respec.metadata.generation).toBe(2);
  });

  it('does not bump resourceVersion, emit or write for a write that changes nothing', () => {
    const s = fixedStore();
    const p = s.create({ ...pod('web', {}, { app: 'web' }), status: { phase: 'Pending' } });
    const events: string[] = [];
    s.watch((e) => events.push(e.type));
    // Same content, different key order and an explicit undefined: still nothing to write.
    const same: KObject = {
      status: { phase: 'Pending' },
      spec: { containers: [{ image: 'nginx', name: 'c' }] },
      metadata: { labels: { app: 'web' }, namespace: 'default', name: 'web', annotations: undefined },
      kind: 'Pod',
      apiVersion: 'v1',
    };
    const back = s.update(same);
    expect(back.metadata.resourceVersion).toBe(p.metadata.resourceVersion);
    expect(s.update({ ...p }, { subresource: 'status' }).metadata.resourceVersion).toBe('1');
    expect(s.currentResourceVersion()).toBe(1);
    expect(events).toEqual([]);
  });

  it('with subresource status replaces only status', () => {
    const s = fixedStore();
    const p = s.create(pod('web', {}, { app: 'web' }));
    const u = s.update({ ...p, metadata: { ...p.metadata, labels: { hacked: 'yes' } }, spec: { containers: [] }, status: { phase: 'Running' } }, { subresource: 'status' });
    expect(u.metadata.labels).toEqual({ app: 'web' });
    expect(u.spec).toEqual(p.spec);
    expect(u.status).toEqual({ phase: 'Running' });
    expect(u.metadata.resourceVersion).toBe('2');
    expect(u.metadata.generation).toBe(1);
  });

  it('returns copies: mutating a result does not change the store', () => {
    const s = fixedStore();
    const p = s.create(pod('web'));
    p.metadata.labels = { mutated: 'yes' };
    expect(s.get('Pod', 'default', 'web')?.metadata.labels).toBeUndefined();
  });
});

describe('deletion fields', () => {
  it('a new object is never being deleted, whatever it says', () => {
    const s = fixedStore();
    const p = s.create(pod('web', { metadata: { name: 'web', namespace: 'default', deletionTimestamp: '2024-01-01T00:00:00Z', deletionGracePeriodSeconds: 5 } }));
    expect(p.metadata).not.toHaveProperty('deletionTimestamp');
    expect(p.metadata).not.toHaveProperty('deletionGracePeriodSeconds');
  });

  it('the write that lets the last hold go removes the object: watchers see DELETED with that state', () => {
    const s = fixedStore();
    const seen: string[] = [];
    s.watch((e) => seen.push(`${e.type} ${e.object.metadata.finalizers?.join(',') ?? '-'} ${e.object.metadata.deletionGracePeriodSeconds ?? '-'}`));
    const p = s.create(pod('web', { metadata: { name: 'web', namespace: 'default', finalizers: ['a', 'b'] } }));
    const going = s.update({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2024-05-01T10:00:30Z', deletionGracePeriodSeconds: 30 } });
    s.update({ ...going, metadata: { ...going.metadata, finalizers: [] } });
    expect(s.get('Pod', 'default', 'web')).toBeDefined(); // the grace period still runs
    s.update({ ...going, metadata: { ...going.metadata, finalizers: ['a'], deletionGracePeriodSeconds: 0 } });
    expect(s.get('Pod', 'default', 'web')).toBeDefined(); // a finalizer still holds it
    const last = s.update({ ...going, metadata: { ...going.metadata, finalizers: undefined, deletionGracePeriodSeconds: 0 } });
    expect(s.get('Pod', 'default', 'web')).toBeUndefined();
    expect(last.metadata.resourceVersion).toBe(String(s.currentResourceVersion()));
    expect(seen).toEqual(['ADDED a,b -', 'MODIFIED a,b 30', 'MODIFIED  30', 'MODIFIED a 0', 'DELETED - 0']);
  });

  it('a namespace is also held by its contents finalizer in spec.finalizers', () => {
    const s = fixedStore();
    const ns = s.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    const going = s.update({ ...ns, metadata: { ...ns.metadata, deletionTimestamp: '2024-05-01T10:00:00Z' }, spec: { finalizers: ['kubernetes'] } });
    expect(s.get('Namespace', '', 'prod')).toBeDefined();
    s.update({ ...going, spec: { finalizers: [] } });
    expect(s.get('Namespace', '', 'prod')).toBeUndefined();
  });

  it('finds an object by uid', () => {
    const s = fixedStore();
    const p = s.create(pod('web'));
    expect(s.getByUid(p.metadata.uid!)).toEqual(p);
    expect(s.getByUid('nope')).toBeUndefined();
  });
});

describe('delete', () => {
  it('returns the deleted object at the deletion resourceVersion', () => {
    const s = fixedStore();
    s.create(pod('web'));
    const d = s.delete('Pod', 'default', 'web');
    expect(d.metadata.name).toBe('web');
    expect(d.metadata.resourceVersion).toBe('2');
    expect(s.get('Pod', 'default', 'web')).toBeUndefined();
  });

  it('is NotFound for an absent object', () => {
    const s = fixedStore();
    expect(codeOf(() => s.delete('Pod', 'default', 'nope'))).toBe('NotFound');
  });
});

describe('list', () => {
  it('filters by namespace, label selector and fields', () => {
    const s = fixedStore();
    s.create(pod('a', { spec: { nodeName: 'edge-1' } }, { app: 'web', tier: 'front' }));
    s.create(pod('b', { spec: { nodeName: 'edge-2' } }, { app: 'web' }));
    s.create({ ...pod('c', {}, { app: 'db' }), metadata: { name: 'c', namespace: 'prod', labels: { app: 'db' } } });
    const names = (o: { items: KObject[] }) => o.items.map((i) => i.metadata.name);
    expect(names(s.list('Pod'))).toEqual(['a', 'b', 'c']);
    expect(names(s.list('Pod', { namespace: '' }))).toEqual(['a', 'b', 'c']);
    expect(names(s.list('Pod', { namespace: 'prod' }))).toEqual(['c']);
    expect(names(s.list('Pod', { labelSelector: parseSelector('app=web') }))).toEqual(['a', 'b']);
    expect(names(s.list('Pod', { labelSelector: parseSelector('app=web,!tier') }))).toEqual(['b']);
    expect(names(s.list('Pod', { fields: { 'spec.nodeName': 'edge-2' } }))).toEqual(['b']);
    expect(names(s.list('Pod', { fields: { 'spec.nodeName': '' } }))).toEqual(['c']);
    expect(names(s.list('Pod', { fields: { 'metadata.namespace': 'default', 'metadata.name': 'a' } }))).toEqual(['a']);
    expect(s.list('Deployment').items).toEqual([]);
  });
});
