/** Deletion as Kubernetes does it, through the API: grace periods, finalizers, propagation policies, fields clients may not set. */
import { afterEach, describe, expect, it } from 'vitest';
import type { KObject } from '../../shared/meta.js';
import type { Pod } from '../../shared/pod.js';
import { startControllers } from '../controllers/manager.js';
import { applyPodStatusReport } from '../nodes/pod-status.js';
import { makeNode } from '../scheduler/testing/builders.js';
import type { Store } from '../store/types.js';
import { deploymentManifest, eventReader, podManifest, testApi } from './testing/fixtures.js';

const pods = '/api/v1/namespaces/default/pods';
const configmaps = '/api/v1/namespaces/default/configmaps';
const now = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((s) => s()));

/** An API with node edge-1 and a fixed clock; `controllers` also runs the garbage collector and the rest. */
function setup(o: { controllers?: boolean } = {}) {
  const api = testApi({ clock: () => now });
  api.store.create(makeNode('edge-1'));
  const controllers = o.controllers ? startControllers({ store: api.store, publish: async () => {}, now: () => now, resyncMs: 3_600_000, log: () => {} }) : undefined;
  if (controllers) stops.push(() => controllers.stop());
  const json = async (method: string, path: string, body?: unknown) => {
    const res = await api.call(method, path, body);
    return { status: res.status, body: await res.json() };
  };
  return { ...api, json, settle: async () => controllers?.idle() };
}

/** A pod bound to edge-1, running (what the scheduler and the node would have written). */
function boundPod(name: string, o: { grace?: number; labels?: Record<string, string> } = {}): KObject {
  const p = podManifest(name, o.labels) as Pod;
  return { ...p, spec: { ...p.spec, nodeName: 'edge-1', ...(o.grace !== undefined ? { terminationGracePeriodSeconds: o.grace } : {}) } };
}

/** What node edge-1 reports once it has stopped the pod's containers. */
function nodeStopped(store: Store, name: string, namespace = 'default') {
  const p = store.get('Pod', namespace, name) as Pod;
  const containerStatuses = p.spec.containers.map((c) => ({ name: c.name, image: c.image, ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }));
  applyPodStatusReport(store, 'edge-1', { node: 'edge-1', pods: [{ namespace, name, uid: p.metadata.uid!, status: { phase: 'Succeeded', containerStatuses } }] });
}

describe('graceful deletion of pods', () => {
  it('a pod on a node turns Terminating (watchers see MODIFIED, then DELETED once its node reports it stopped)', async () => {
    const { call, json, store } = setup();
    await call('POST', pods, boundPod('web'));
    const events = eventReader(await call('GET', `${pods}?watch=1`));
    await events.next(1);

    const res = await json('DELETE', `${pods}/web`);
    expect(res.status).toBe(200);
    expect(res.body.metadata).toMatchObject({ name: 'web', deletionTimestamp: at(30), deletionGracePeriodSeconds: 30 });
    expect((await json('GET', `${pods}/web`)).body.metadata.deletionTimestamp).toBe(at(30));
    const table = await (await call('GET', pods, undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' })).json();
    expect(table.rows[0].cells[2]).toBe('Terminating');
    // Deleting again changes nothing (the deletion is under way).
    expect((await json('DELETE', `${pods}/web`)).body.metadata.resourceVersion).toBe(res.body.metadata.resourceVersion);

    nodeStopped(store, 'web');
    expect(store.get('Pod', 'default', 'web')).toBeUndefined();
    const seen = await events.next(3);
    expect(seen.map((e) => [e.type, e.object.metadata.deletionTimestamp ?? null])).toEqual([
      ['MODIFIED', at(30)],
      ['MODIFIED', at(30)],
      ['DELETED', at(0)],
    ]);
    await events.cancel();
  });

  it('the grace period comes from the query, else the DeleteOptions body, else the pod\'s spec; the body wins over the query', async () => {
    const { call, json } = setup();
    for (const name of ['q', 'b', 's', 'both']) await call('POST', pods, boundPod(name, { grace: 7 }));
    expect((await json('DELETE', `${pods}/q?gracePeriodSeconds=5`)).body.metadata.deletionGracePeriodSeconds).toBe(5);
    expect((await json('DELETE', `${pods}/b`, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 3 })).body.metadata).toMatchObject({ deletionGracePeriodSeconds: 3, deletionTimestamp: at(3) });
    expect((await json('DELETE', `${pods}/s`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' })).body.metadata.deletionGracePeriodSeconds).toBe(7);
    expect((await json('DELETE', `${pods}/both?gracePeriodSeconds=20`, { gracePeriodSeconds: 2 })).body.metadata.deletionGracePeriodSeconds).toBe(2);
    // A second delete may shorten it, as kubectl delete --grace-period does.
    expect((await json('DELETE', `${pods}/q?gracePeriodSeconds=1`)).body.metadata).toMatchObject({ deletionGracePeriodSeconds: 1, deletionTimestamp: at(1) });
    expect((await json('DELETE', `${pods}/q?gracePeriodSeconds=abc`))).toMatchObject({ status: 400, body: { message: 'gracePeriodSeconds: "abc" is not a whole number of seconds' } });
    expect((await json('DELETE', `${pods}/q`, { gracePeriodSeconds: 'x' })).status).toBe(400);
  });

  it('--grace-period=0 --force removes at once; so does deleting a pod never scheduled or whose node is gone', async () => {
    const { call, json, store } = setup();
    await call('POST', pods, boundPod('forced'));
    const forced = await json('DELETE', `${pods}/forced`, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ kind: 'Pod', metadata: { name: 'forced' } });
    expect(store.get('Pod', 'default', 'forced')).toBeUndefined();

    await call('POST', pods, podManifest('pending'));
    await json('DELETE', `${pods}/pending`);
    expect(store.get('Pod', 'default', 'pending')).toBeUndefined();

    const orphan = boundPod('orphan') as Pod;
    await call('POST', pods, { ...orphan, spec: { ...orphan.spec, nodeName: 'gone' } });
    await json('DELETE', `${pods}/orphan`);
    expect(store.get('Pod', 'default', 'orphan')).toBeUndefined();
  });

  it('a pod with a finalizer: once its node has stopped it the grace period is over (0), and it goes with the finalizer', async () => {
    const { call, json, store } = setup();
    const p = boundPod('held');
    await call('POST', pods, { ...p, metadata: { ...p.metadata, finalizers: ['example.com/hold'] } });
    await json('DELETE', `${pods}/held`);
    nodeStopped(store, 'held');
    expect(store.get('Pod', 'default', 'held')?.metadata).toMatchObject({ deletionGracePeriodSeconds: 0, deletionTimestamp: at(0), finalizers: ['example.com/hold'] });
    const rv = store.get('Pod', 'default', 'held')!.metadata.resourceVersion;
    nodeStopped(store, 'held'); // the node says so again: nothing changes
    expect(store.get('Pod', 'default', 'held')!.metadata.resourceVersion).toBe(rv);
    await call('PATCH', `${pods}/held`, { metadata: { finalizers: null } }, { 'content-type': 'application/merge-patch+json' });
    expect(store.get('Pod', 'default', 'held')).toBeUndefined();
  });

  it('a finished pod goes at once; dryRun=All says what would happen and changes nothing', async () => {
    const { call, json, store } = setup();
    await call('POST', pods, boundPod('web'));
    const dry = await json('DELETE', `${pods}/web?dryRun=All`);
    expect(dry.body.metadata.deletionTimestamp).toBe(at(30));
    expect(store.get('Pod', 'default', 'web')?.metadata.deletionTimestamp).toBeUndefined();
    expect((await json('DELETE', `${pods}/web?dryRun=Some`)).status).toBe(400);

    nodeStopped(store, 'web'); // Succeeded, and not being deleted: it stays
    expect(store.get('Pod', 'default', 'web')).toBeDefined();
    await json('DELETE', `${pods}/web`);
    expect(store.get('Pod', 'default', 'web')).toBeUndefined();
  });
});

describe('finalizers', () => {
  it('hold a ConfigMap, with deletionTimestamp, until the last one is removed; then it goes', async () => {
    const { call, json, store } = setup();
    await call('POST', configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold', 'example.com/other'] }, data: { a: '1' } });
    const res = await json('DELETE', `${configmaps}/held`);
    expect(res.status).toBe(200);
    expect(res.body.metadata).toMatchObject({ deletionTimestamp: at(0), deletionGracePeriodSeconds: 0, finalizers: ['example.com/hold', 'example.com/other'] });

    const patched = await call('PATCH', `${configmaps}/held`, [{ op: 'remove', path: '/metadata/finalizers/1' }], { 'content-type': 'application/json-patch+json' });
    expect(patched.status).toBe(200);
    expect(store.get('ConfigMap', 'default', 'held')?.metadata.finalizers).toEqual(['example.com/hold']);
    // Other changes are still allowed while it is held.
    await call('PATCH', `${configmaps}/held`, { data: { a: '2' } }, { 'content-type': 'application/merge-patch+json' });
    expect(store.get('ConfigMap', 'default', 'held')).toMatchObject({ data: { a: '2' } });

    await call('PATCH', `${configmaps}/held`, [{ op: 'remove', path: '/metadata/finalizers' }], { 'content-type': 'application/json-patch+json' });
    expect(store.get('ConfigMap', 'default', 'held')).toBeUndefined();
  });

  it('cannot be added to an object being deleted (422); deletionTimestamp cannot be set, moved or cleared by an update', async () => {
    const { call, json, store } = setup();
    await call('POST', configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await call('POST', configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'live' } });
    const live = (await json('GET', `${configmaps}/live`)).body;
    await call('PUT', `${configmaps}/live`, { ...live, metadata: { ...live.metadata, deletionTimestamp: at(-60), deletionGracePeriodSeconds: 5 } });
    expect(store.get('ConfigMap', 'default', 'live')?.metadata).not.toHaveProperty('deletionTimestamp');
    expect(store.get('ConfigMap', 'default', 'live')?.metadata).not.toHaveProperty('deletionGracePeriodSeconds');

    await call('DELETE', `${configmaps}/held`);
    const held = (await json('GET', `${configmaps}/held`)).body;
    const refused = await json('PUT', `${configmaps}/held`, { ...held, metadata: { ...held.metadata, finalizers: ['example.com/hold', 'example.com/late'] } });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toBe('ConfigMap "held" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/late"}');
    const { deletionTimestamp: _gone, ...cleared } = held.metadata;
    await call('PUT', `${configmaps}/held`, { ...held, metadata: { ...cleared, labels: { moved: 'no' } } });
    await call('PUT', `${configmaps}/held`, { ...held, metadata: { ...held.metadata, deletionTimestamp: at(3600) } });
    expect(store.get('ConfigMap', 'default', 'held')?.metadata).toMatchObject({ deletionTimestamp: at(0), labels: { moved: 'no' } });
    const both = await json('POST', configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'both', finalizers: ['orphan', 'foregroundDeletion'] } });
    expect(both.status).toBe(422);
    expect(both.body.message).toContain('finalizer orphan and foregroundDeletion cannot be both set');
  });

  it('DELETE of what goes at once answers Status Success with the uid (kubectl waits on it); a missing object is 404', async () => {
    const { call, json } = setup();
    const cm = (await json('POST', configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' } })).body;
    expect((await json('DELETE', `${configmaps}/plain`)).body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'plain', kind: 'configmaps', uid: cm.metadata.uid },
    });
    await call('POST', '/apis/apps/v1/namespaces/default/deployments', deploymentManifest('d'));
    expect((await json('DELETE', '/apis/apps/v1/namespaces/default/deployments/d')).body.details).toMatchObject({ group: 'apps', kind: 'deployments', name: 'd' });
    expect((await json('DELETE', `${configmaps}/plain`)).status).toBe(404);
    expect((await json('DELETE', `${configmaps}/x`, { propagationPolicy: 'Sideways' })).status).toBe(400);
    expect((await json('DELETE', `${configmaps}/x?propagationPolicy=Sideways`)).status).toBe(422);
  });

  it('preconditions in DeleteOptions must match (409)', async () => {
    const { call, json, store } = setup();
    await call('POST', configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    expect((await json('DELETE', `${configmaps}/c`, { preconditions: { uid: 'not-it' } })).status).toBe(409);
    expect(store.get('ConfigMap', 'default', 'c')).toBeDefined();
  });
});

describe('propagation policies (with the garbage collector)', () => {
  async function replicaSetWithPods(s: ReturnType<typeof setup>) {
    await s.call('POST', '/apis/apps/v1/namespaces/default/deployments', deploymentManifest('web', 2));
    await s.settle();
    // The pods are bound (as the scheduler would) so that deleting them waits for node edge-1.
    for (const p of s.store.list('Pod', { namespace: 'default' }).items as Pod[]) s.store.update({ ...p, spec: { ...p.spec, nodeName: 'edge-1' } });
    await s.settle();
    return s.store.list('ReplicaSet', { namespace: 'default' }).items[0]!;
  }
  const podsOf = (store: Store) => store.list('Pod', { namespace: 'default' }).items as Pod[];

  it('Background (the default): the owner goes at once, its dependents after it', async () => {
    const s = setup({ controllers: true });
    const rs = await replicaSetWithPods(s);
    const deleted = await s.json('DELETE', `/apis/apps/v1/namespaces/default/replicasets/${rs.metadata.name}`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
    expect(deleted.body).toMatchObject({ kind: 'Status', status: 'Success' });
    await s.settle();
    // The Deployment makes a new ReplicaSet; the old one's pods are Terminating on their node.
    const old = podsOf(s.store).filter((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid);
    expect(old).toHaveLength(2);
    expect(old.every((p) => p.metadata.deletionTimestamp === at(30))).toBe(true);
  });

  it('Foreground: the owner waits with the foregroundDeletion finalizer until its blocking dependents are gone', async () => {
    const s = setup({ controllers: true });
    await replicaSetWithPods(s);
    const res = await s.json('DELETE', '/apis/apps/v1/namespaces/default/deployments/web', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' });
    expect(res.body.metadata).toMatchObject({ finalizers: ['foregroundDeletion'], deletionGracePeriodSeconds: 0 });
    await s.settle();
    const rs = s.store.list('ReplicaSet', { namespace: 'default' }).items;
    expect(rs).toHaveLength(1);
    expect(rs[0]!.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(podsOf(s.store).map((p) => p.metadata.deletionTimestamp)).toEqual([at(30), at(30)]);
    expect(s.store.get('Deployment', 'default', 'web')?.metadata.deletionTimestamp).toBe(at(0));

    nodeStopped(s.store, podsOf(s.store)[0]!.metadata.name!);
    await s.settle();
    expect(s.store.get('Deployment', 'default', 'web')).toBeDefined();
    nodeStopped(s.store, podsOf(s.store)[0]!.metadata.name!);
    await s.settle();
    expect(s.store.list('ReplicaSet', { namespace: 'default' }).items).toEqual([]);
    expect(s.store.get('Deployment', 'default', 'web')).toBeUndefined();
  });

  it('Orphan: the dependents lose their ownerReference and stay; the owner goes', async () => {
    const s = setup({ controllers: true });
    const rs = await replicaSetWithPods(s);
    await s.json('DELETE', '/apis/apps/v1/namespaces/default/deployments/web?propagationPolicy=Orphan');
    await s.settle();
    expect(s.store.get('Deployment', 'default', 'web')).toBeUndefined();
    const left = s.store.get('ReplicaSet', 'default', rs.metadata.name!);
    expect(left?.metadata.ownerReferences).toBeUndefined();
    expect(left?.metadata.deletionTimestamp).toBeUndefined();
    expect(podsOf(s.store)).toHaveLength(2);
    expect(podsOf(s.store).every((p) => !p.metadata.deletionTimestamp)).toBe(true);
  });

  it('orphanDependents=true is the old spelling of Orphan; both at once is refused', async () => {
    const s = setup({ controllers: true });
    const rs = await replicaSetWithPods(s);
    const both = await s.json('DELETE', '/apis/apps/v1/namespaces/default/deployments/web?orphanDependents=true', { propagationPolicy: 'Foreground' });
    expect(both.status).toBe(422);
    await s.json('DELETE', '/apis/apps/v1/namespaces/default/deployments/web?orphanDependents=true');
    await s.settle();
    expect(s.store.get('ReplicaSet', 'default', rs.metadata.name!)?.metadata.ownerReferences).toBeUndefined();
  });

  it('Controllers do not count Terminating pods and make replacements at once', async () => {
    const s = setup({ controllers: true });
    await replicaSetWithPods(s);
    const victim = podsOf(s.store)[0]!;
    await s.json('DELETE', `${pods}/${victim.metadata.name}`);
    await s.settle();
    const now = podsOf(s.store);
    expect(now).toHaveLength(3);
    expect(now.filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(2);
    const rs = s.store.list('ReplicaSet', { namespace: 'default' }).items[0] as KObject & { status: { replicas: number } };
    expect(rs.status.replicas).toBe(2);
  });
});

describe('fields a client may not set', () => {
  it('on create: deletionTimestamp and deletionGracePeriodSeconds are dropped; uid, resourceVersion, creationTimestamp and generation are the server\'s', async () => {
    const { call, json, store } = setup();
    const sent = {
      ...boundPod('web'),
      metadata: { name: 'web', uid: 'mine', resourceVersion: '999', creationTimestamp: '2000-01-01T00:00:00Z', generation: 42, deletionTimestamp: '2000-01-01T00:00:00Z', deletionGracePeriodSeconds: 5, finalizers: ['example.com/hold'] },
    };
    const created = await json('POST', pods, sent);
    expect(created.status).toBe(201);
    const meta = created.body.metadata;
    expect(meta).not.toHaveProperty('deletionTimestamp');
    expect(meta).not.toHaveProperty('deletionGracePeriodSeconds');
    expect(meta.uid).not.toBe('mine');
    expect(meta.resourceVersion).not.toBe('999');
    expect(meta.creationTimestamp).not.toBe('2000-01-01T00:00:00Z');
    expect(meta.generation).toBe(1);
    expect(meta.finalizers).toEqual(['example.com/hold']);
    expect(store.get('Pod', 'default', 'web')?.metadata).toEqual(meta);
    // Server-side apply creates through the same door.
    const ssa = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', deletionTimestamp: '2000-01-01T00:00:00Z' } };
    const applied = await call('PATCH', `${configmaps}/ssa?fieldManager=test`, JSON.stringify(ssa), { 'content-type': 'application/apply-patch+yaml' });
    expect(applied.status).toBe(201);
    expect((await applied.json()).metadata).not.toHaveProperty('deletionTimestamp');
  });
});

