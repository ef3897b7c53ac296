import { describe, expect, it } from 'vitest';
import type { KObject } from '../../shared/meta.js';
import type { Pod } from '../../shared/pod.js';
import { finalizersFor, planDeletion, podGracePeriod, type DeletionContext } from './plan.js';

const now = new Date('2026-01-01T00:00:00Z');
const ctx: DeletionContext = { now, nodeExists: (n) => n === 'edge-1' };
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

function pod(o: { node?: string; grace?: number; phase?: string; meta?: Partial<Pod['metadata']> } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', ...o.meta },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...(o.node !== undefined ? { nodeName: o.node } : { nodeName: 'edge-1' }), ...(o.grace !== undefined ? { terminationGracePeriodSeconds: o.grace } : {}) },
    ...(o.phase ? { status: { phase: o.phase as 'Running' } } : {}),
  };
}
const configMap = (meta: Partial<KObject['metadata']> = {}): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default', uid: 'c1', ...meta } });

describe('podGracePeriod (Kubernetes CheckGracefulDelete)', () => {
  it('takes the request, else the spec, else 30; none off a node, on a gone node or when finished; negative is 1', () => {
    expect(podGracePeriod(pod(), undefined, ctx.nodeExists)).toBe(30);
    expect(podGracePeriod(pod({ grace: 7 }), undefined, ctx.nodeExists)).toBe(7);
    expect(podGracePeriod(pod({ grace: 7 }), 3, ctx.nodeExists)).toBe(3);
    expect(podGracePeriod(pod({ grace: 7 }), -5, ctx.nodeExists)).toBe(1);
    expect(podGracePeriod(pod({ node: '' }), 10, ctx.nodeExists)).toBe(0);
    expect(podGracePeriod(pod({ node: 'gone' }), 10, ctx.nodeExists)).toBe(0);
    expect(podGracePeriod(pod({ phase: 'Succeeded' }), 10, ctx.nodeExists)).toBe(0);
    expect(podGracePeriod(pod({ phase: 'Failed' }), undefined, ctx.nodeExists)).toBe(0);
  });
});

describe('planDeletion', () => {
  it('marks a pod on a node: deletionTimestamp is when its grace period ends', () => {
    const plan = planDeletion(pod({ grace: 10 }), {}, ctx);
    expect(plan.type).toBe('mark');
    expect(plan.object.metadata).toMatchObject({ deletionTimestamp: at(10), deletionGracePeriodSeconds: 10 });
  });

  it('removes at once what nothing holds: a pod with grace 0, an unscheduled pod, a ConfigMap', () => {
    expect(planDeletion(pod(), { gracePeriodSeconds: 0 }, ctx).type).toBe('remove');
    expect(planDeletion(pod({ node: '' }), {}, ctx).type).toBe('remove');
    expect(planDeletion(configMap(), {}, ctx)).toEqual({ type: 'remove', object: configMap() });
  });

  it('a second delete only shortens: a longer or equal period, or none, leaves it pending; 0 removes it', () => {
    const marked = planDeletion(pod(), {}, ctx).object;
    expect(planDeletion(marked, {}, ctx).type).toBe('pending');
    expect(planDeletion(marked, { gracePeriodSeconds: 30 }, ctx).type).toBe('pending');
    expect(planDeletion(marked, { gracePeriodSeconds: 60, propagationPolicy: 'Orphan' }, ctx)).toEqual({ type: 'pending', object: marked });
    const shorter = planDeletion(marked, { gracePeriodSeconds: 5 }, ctx);
    expect(shorter.type).toBe('mark');
    expect(shorter.object.metadata).toMatchObject({ deletionTimestamp: at(5), deletionGracePeriodSeconds: 5 });
    expect(planDeletion(marked, { gracePeriodSeconds: 0 }, ctx).type).toBe('remove');
  });

  it('finalizers hold any object: marked with grace 0 and kept; a forced pod too', () => {
    const held = planDeletion(configMap({ finalizers: ['example.com/hold'] }), {}, ctx);
    expect(held).toMatchObject({ type: 'mark', object: { metadata: { deletionTimestamp: at(0), deletionGracePeriodSeconds: 0, finalizers: ['example.com/hold'] } } });
    // Deleting it again changes nothing (the store writes nothing for an equal object).
    expect(planDeletion(held.object, {}, ctx)).toEqual({ type: 'mark', object: held.object });
    const forced = planDeletion(pod({ meta: { finalizers: ['example.com/hold'] } }), { gracePeriodSeconds: 0 }, ctx);
    expect(forced.type).toBe('mark');
    expect(forced.object.metadata.deletionGracePeriodSeconds).toBe(0);
  });

  it('propagation policies become the garbage collector\'s finalizers; Background adds none', () => {
    const cm = configMap({ finalizers: ['example.com/hold'] });
    expect(finalizersFor(cm, 'Foreground')).toEqual(['example.com/hold', 'foregroundDeletion']);
    expect(finalizersFor(cm, 'Orphan')).toEqual(['example.com/hold', 'orphan']);
    expect(finalizersFor(cm, 'Background')).toEqual(['example.com/hold']);
    expect(finalizersFor(cm, undefined)).toEqual(['example.com/hold']);
    // Without a policy one already there stays; an explicit one replaces it.
    expect(finalizersFor(configMap({ finalizers: ['orphan'] }), undefined)).toEqual(['orphan']);
    expect(finalizersFor(configMap({ finalizers: ['orphan'] }), 'Foreground')).toEqual(['foregroundDeletion']);
    const fg = planDeletion(configMap(), { propagationPolicy: 'Foreground' }, ctx);
    expect(fg).toMatchObject({ type: 'mark', object: { metadata: { finalizers: ['foregroundDeletion'], deletionGracePeriodSeconds: 0 } } });
  });

  it('a namespace turns Terminating, held by its contents finalizer until the namespace controller lets go', () => {
    const ns: KObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod', uid: 'n1' }, status: { phase: 'Active' } };
    const plan = planDeletion(ns, {}, ctx);
    expect(plan).toMatchObject({ type: 'mark', object: { metadata: { deletionTimestamp: at(0) }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } } });
    // Once let go (finalizer gone, but a finalizer of its own holds it), deleting again does not add it back.
    const released = { ...plan.object, spec: { finalizers: [] }, metadata: { ...plan.object.metadata, finalizers: ['example.com/hold'] } };
    expect(planDeletion(released, {}, ctx).object.spec).toEqual({ finalizers: [] });
  });

  it('preconditions must match the stored uid and resourceVersion (409)', () => {
    expect(() => planDeletion(pod(), { preconditions: { uid: 'other' } }, ctx)).toThrow(/Precondition failed: UID in precondition: other, UID in object meta: u1/);
    expect(() => planDeletion(pod(), { preconditions: { resourceVersion: '6' } }, ctx)).toThrow(/ResourceVersion in precondition: 6/);
    expect(planDeletion(pod(), { preconditions: { uid: 'u1', resourceVersion: '7' } }, ctx).type).toBe('mark');
  });
});
