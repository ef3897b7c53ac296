import { describe, expect, it } from 'vitest';
import type { KObject } from '../../../shared/meta.js';
import { deepEqual, lastAppliedAnnotation, lastAppliedOf, planApply, threeWayMerge } from './apply-plan.js';

const desired = (over: { replicas?: number; labels?: Record<string, string>; annotations?: Record<string, string>; image?: string } = {}): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'hello', namespace: 'default', ...(over.labels ? { labels: over.labels } : {}), ...(over.annotations ? { annotations: over.annotations } : {}) },
  spec: {
    ...(over.replicas !== undefined ? { replicas: over.replicas } : {}),
    selector: { matchLabels: { app: 'hello' } },
    template: { metadata: { labels: { app: 'hello' } }, spec: { containers: [{ name: 'hello', image: over.image ?? 'busybox:test' }] } },
  },
});

/** What the server would hold after creating `body`: system fields plus a defaulted strategy. */
function stored(body: KObject, extra: Partial<KObject['metadata']> = {}): KObject {
  return {
    ...structuredClone(body),
    metadata: { ...structuredClone(body.metadata), uid: 'u1', resourceVersion: '7', creationTimestamp: '2024-01-01T00:00:00Z', ...extra },
    spec: { strategy: { type: 'RollingUpdate' }, ...(body.spec as object) },
    status: { replicas: 3 },
  };
}

function created(d: KObject): KObject {
  const plan = planApply(d, undefined);
  if (plan.action !== 'create') throw new Error('expected create');
  return stored(plan.body);
}

describe('lastAppliedOf', () => {
  it('is the object as JSON, without the annotation itself, newline-terminated like kubectl', () => {
    const d = desired({ annotations: { team: 'edge', [lastAppliedAnnotation]: 'old' } });
    const text = lastAppliedOf(d);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text).metadata.annotations).toEqual({ team: 'edge' });
    expect(JSON.parse(lastAppliedOf(desired())).metadata.annotations).toEqual({});
  });
});

describe('planApply', () => {
  it('creates an absent object with the last-applied annotation', () => {
    const plan = planApply(desired({ replicas: 3 }), undefined);
    expect(plan.action).toBe('create');
    if (plan.action !== 'create') return;
    const d = desired({ replicas: 3 });
    expect(JSON.parse(plan.body.metadata.annotations![lastAppliedAnnotation]!)).toEqual({ ...d, metadata: { ...d.metadata, annotations: {} } });
    expect(plan.body.spec).toEqual(desired({ replicas: 3 }).spec);
  });

  it('reports unchanged when the same manifest is applied again, despite server defaults', () => {
    const d = desired({ replicas: 3, labels: { app: 'hello' } });
    expect(planApply(d, created(d))).toEqual({ action: 'unchanged' });
  });

  it('updates with the current resourceVersion when the spec changed', () => {
    const cur = created(desired({ replicas: 3 }));
    const plan = planApply(desired({ replicas: 5 }), cur);
    expect(plan.action).toBe('update');
    if (plan.action !== 'update') return;
    expect(plan.body.metadata.resourceVersion).toBe('7');
    expect(plan.body.metadata.uid).toBe('u1');
    expect(plan.body.spec).toMatchObject({ replicas: 5, strategy: { type: 'RollingUpdate' } });
    expect(JSON.parse(plan.body.metadata.annotations![lastAppliedAnnotation]!).spec.replicas).toBe(5);
  });

  it('removes fields and labels the manifest dropped since the last apply, keeps what others added', () => {
    const cur = created(desired({ replicas: 3, labels: { app: 'hello', tier: 'web' } }));
    cur.metadata.labels = { ...cur.metadata.labels, 'added-by': 'kubectl-label' };
    cur.metadata.annotations = { ...cur.metadata.annotations, note: 'someone' };
    const plan = planApply(desired({ labels: { app: 'hello' } }), cur);
    expect(plan.action).toBe('update');
    if (plan.action !== 'update') return;
    expect(plan.body.metadata.labels).toEqual({ app: 'hello', 'added-by': 'kubectl-label' });
    expect(plan.body.metadata.annotations).toMatchObject({ note: 'someone' });
    expect(plan.body.spec).not.toHaveProperty('replicas');
    expect(plan.body.spec).toHaveProperty('strategy');
  });

  it('updates when only a label or annotation changed', () => {
    const cur = created(desired({ labels: { app: 'hello' } }));
    expect(planApply(desired({ labels: { app: 'hello', v: '2' } }), cur).action).toBe('update');
    expect(planApply(desired({ labels: { app: 'hello' }, annotations: { a: 'b' } }), cur).action).toBe('update');
  });

  it('adopts an object created without apply: merges, keeps others\' fields, records last-applied', () => {
    const cur = stored(desired({ replicas: 2 }));
    const plan = planApply(desired({ replicas: 2 }), cur);
    expect(plan.action).toBe('update');
    if (plan.action !== 'update') return;
    expect(plan.body.metadata.annotations).toHaveProperty(lastAppliedAnnotation);
    // Applying the same again is then a no-op.
    expect(planApply(desired({ replicas: 2 }), stored(plan.body))).toEqual({ action: 'unchanged' });
  });

  it('survives a mangled last-applied annotation', () => {
    const cur = stored(desired(), { annotations: { [lastAppliedAnnotation]: '{not json' } });
    expect(planApply(desired(), cur).action).toBe('update');
  });
});

describe('threeWayMerge', () => {
  it('sets desired keys, deletes dropped keys, keeps foreign keys, replaces arrays', () => {
    const last = { a: 1, b: { x: 1, y: 2 }, list: [1, 2] };
    const want = { a: 2, b: { x: 1 }, list: [3] };
    const cur = { a: 1, b: { x: 1, y: 2, z: 9 }, list: [1, 2], other: true };
    expect(threeWayMerge(last, want, cur)).toEqual({ a: 2, b: { x: 1, z: 9 }, list: [3], other: true });
  });
  it('does not modify its inputs', () => {
    const cur = { a: { b: 1 } };
    threeWayMerge(undefined, { a: { c: 2 } }, cur);
    expect(cur).toEqual({ a: { b: 1 } });
  });
});

describe('deepEqual', () => {
  it('ignores key order and undefined keys but not array order', () => {
    expect(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1, d: undefined })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual({ a: 1 }, { a: '1' })).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
  });
});

describe('lastAppliedOf key order', () => {
  it('sorts keys at every level, as kubectl (Go) does', () => {
    const text = lastAppliedOf({ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'a', labels: { z: '1', b: '2' } } });
    expect(text).toBe('{"apiVersion":"v1","kind":"Namespace","metadata":{"annotations":{},"labels":{"b":"2","z":"1"},"name":"a"}}\n');
  });
});
