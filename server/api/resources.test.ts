import { describe, expect, it } from 'vitest';
import type { KObject } from '../../shared/meta.js';
import { deploymentManifest, podManifest, testApi } from './testing/fixtures.js';

const pods = '/api/v1/namespaces/default/pods';
const deployments = '/apis/apps/v1/namespaces/default/deployments';

describe('pods', () => {
  it('round-trips create, get, list, update and delete', async () => {
    const { call } = testApi();
    const created = await call('POST', pods, podManifest('web', { app: 'web' }));
    expect(created.status).toBe(201);
    const pod = await created.json();
    expect(pod.metadata).toMatchObject({ name: 'web', namespace: 'default', generation: 1 });
    expect(pod.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(pod.status).toEqual({ phase: 'Pending' });

    expect(await (await call('GET', `${pods}/web`)).json()).toEqual(pod);
    const list = await (await call('GET', pods)).json();
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: pod.metadata.resourceVersion } });
    expect(list.items.map((p: KObject) => p.metadata.name)).toEqual(['web']);

    const changed = { ...pod, metadata: { ...pod.metadata, labels: { app: 'web', v: '2' } } };
    const updated = await (await call('PUT', `${pods}/web`, changed)).json();
    expect(updated.metadata.labels).toEqual({ app: 'web', v: '2' });
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(pod.metadata.resourceVersion));

    const deleted = await call('DELETE', `${pods}/web`);
    expect(deleted.status).toBe(200);
    expect((await deleted.json()).metadata.name).toBe('web');
    const gone = await call('GET', `${pods}/web`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'pods "web" not found' });
  });

  it('answers 422 naming the field path for an invalid pod', async () => {
    const { call, store } = testApi();
    const bad = podManifest('web');
    (bad.spec as { containers: Record<string, unknown>[] }).containers[0] = { name: 'web' };
    const res = await call('POST', pods, bad);
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
    expect(body.message).toContain('spec.containers[0].image');
    expect(body.details.causes[0].field).toBe('spec.containers[0].image');
    expect(store.list('Pod').items).toEqual([]);
  });

  it('rejects an invalid name as DNS-1123', async () => {
    const { call } = testApi();
    const res = await call('POST', pods, podManifest('Web_1'));
    expect(res.status).toBe(422);
    expect((await res.json()).message).toContain('metadata.name');
  });

  it('answers 404 for a namespace that does not exist', async () => {
    const { call } = testApi();
    const res = await call('POST', '/api/v1/namespaces/prod/pods', podManifest('web'));
    expect(res.status).toBe(404);
    expect((await res.json()).message).toBe('namespaces "prod" not found');
  });

  it('takes the namespace from the URL and refuses a different one', async () => {
    const { call } = testApi();
    await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    expect((await (await call('POST', '/api/v1/namespaces/prod/pods', podManifest('a'))).json()).metadata.namespace).toBe('prod');
    const res = await call('POST', '/api/v1/namespaces/prod/pods', podManifest('b', {}, 'default'));
    expect(res.status).toBe(400);
    expect((await res.json()).message).toContain('metadata.namespace');
  });

  it('answers 400 naming apiVersion or kind when they do not match the URL', async () => {
    const { call } = testApi();
    const wrongKind = await call('POST', pods, { ...podManifest('a'), kind: 'Deployment' });
    expect(wrongKind.status).toBe(400);
    expect((await wrongKind.json()).message).toMatch(/^kind: /);
    const wrongVersion = await call('POST', pods, { ...podManifest('a'), apiVersion: 'v2' });
    expect((await wrongVersion.json()).message).toMatch(/^apiVersion: /);
  });

  it('answers 409 AlreadyExists for a duplicate', async () => {
    const { call } = testApi();
    await call('POST', pods, podManifest('web'));
    const res = await call('POST', pods, podManifest('web'));
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ reason: 'AlreadyExists', message: 'pods "web" already exists' });
  });

  it('creates from generateName', async () => {
    const { call } = testApi();
    const res = await call('POST', pods, { ...podManifest('x'), metadata: { generateName: 'web-' } });
    expect((await res.json()).metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
  });

  it('filters lists by labelSelector and fieldSelector', async () => {
    const { call, store } = testApi();
    await call('POST', pods, podManifest('a', { app: 'web', tier: 'front' }));
    await call('POST', pods, podManifest('b', { app: 'web' }));
    await call('POST', pods, podManifest('c', { app: 'db' }));
    const b = store.get('Pod', 'default', 'b')!;
    store.update({ ...b, spec: { ...(b.spec as object), nodeName: 'edge-1' } });
    const names = async (q: string) => ((await (await call('GET', `${pods}?${q}`)).json()).items as KObject[]).map((p) => p.metadata.name);
    expect(await names('labelSelector=app%3Dweb')).toEqual(['a', 'b']);
    expect(await names('labelSelector=app%20in%20(web,db),!tier')).toEqual(['b', 'c']);
    expect(await names('fieldSelector=spec.nodeName%3Dedge-1')).toEqual(['b']);
    expect(await names('fieldSelector=spec.nodeName!%3Dedge-1,metadata.name!%3Dc')).toEqual(['a']);
    expect(await names('fieldSelector=status.phase%3DPending&labelSelector=tier')).toEqual(['a']);
    const bad = await call('GET', `${pods}?fieldSelector=spec.image%3Dx`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toContain('fieldSelector');
    expect((await call('GET', `${pods}?labelSelector=a%3D%3D%3Db`)).status).toBe(400);
  });

  it('lists across namespaces at /api/v1/pods', async () => {
    const { call } = testApi();
    await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    await call('POST', pods, podManifest('a'));
    await call('POST', '/api/v1/namespaces/prod/pods', podManifest('b'));
    const all = await (await call('GET', '/api/v1/pods')).json();
    expect(all.items.map((p: KObject) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['default/a', 'prod/b']);
  });

  it('answers 409 Conflict to a PUT with a stale resourceVersion', async () => {
    const { call } = testApi();
    const pod = await (await call('POST', pods, podManifest('web'))).json();
    await call('PUT', `${pods}/web`, { ...pod, metadata: { ...pod.metadata, labels: { v: '1' } } });
    const res = await call('PUT', `${pods}/web`, { ...pod, metadata: { ...pod.metadata, labels: { v: '2' } } });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ reason: 'Conflict' });
    // Without a resourceVersion the write is unconditional.
    const { resourceVersion: _, ...meta } = pod.metadata;
    expect((await call('PUT', `${pods}/web`, { ...pod, metadata: { ...meta, labels: { v: '3' } } })).status).toBe(200);
  });

  it('keeps status on a main-resource PUT and changes only status through /status', async () => {
    const { call } = testApi();
    const pod = await (await call('POST', pods, podManifest('web'))).json();
    const viaMain = await (await call('PUT', `${pods}/web`, { ...pod, status: { phase: 'Running' } })).json();
    expect(viaMain.status).toEqual({ phase: 'Pending' });
    const viaStatus = await (await call('PUT', `${pods}/web/status`, { ...pod, metadata: { ...pod.metadata, labels: { x: 'y' } }, status: { phase: 'Running' } })).json();
    expect(viaStatus.status).toEqual({ phase: 'Running' });
    expect(viaStatus.metadata.labels).toEqual({});
    expect(await (await call('GET', `${pods}/web/status`)).json()).toMatchObject({ status: { phase: 'Running' } });
  });

  it('applies a merge patch, a JSON patch and a strategic merge patch', async () => {
    const { call } = testApi();
    await call('POST', pods, podManifest('web', { app: 'web', old: 'x' }));
    const merged = await call('PATCH', `${pods}/web`, { metadata: { labels: { old: null, new: 'y' } } }, { 'content-type': 'application/merge-patch+json' });
    expect(merged.status).toBe(200);
    expect((await merged.json()).metadata.labels).toEqual({ app: 'web', new: 'y' });
    const jp = await call('PATCH', `${pods}/web`, [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:2' }], { 'content-type': 'application/json-patch+json' });
    const patched = await jp.json();
    expect(patched.spec.containers[0].image).toBe('nginx:2');
    expect(patched.metadata.generation).toBe(2);
    const smp = await call('PATCH', `${pods}/web`, { metadata: { annotations: { a: 'b' } } }, { 'content-type': 'application/strategic-merge-patch+json' });
    expect((await smp.json()).metadata.annotations).toEqual({ a: 'b' });
  });

  it('validates a patched object and names the field', async () => {
    const { call } = testApi();
    await call('POST', pods, podManifest('web'));
    const res = await call('PATCH', `${pods}/web`, { spec: { containers: [{ name: 'web', image: '' }] } }, { 'content-type': 'application/merge-patch+json' });
    expect(res.status).toBe(422);
    expect((await res.json()).message).toContain('spec.containers[0].image');
  });

  it('answers 415 for an unknown patch type and 409 for a patch carrying a stale resourceVersion', async () => {
    const { call } = testApi();
    const pod = await (await call('POST', pods, podManifest('web'))).json();
    expect((await call('PATCH', `${pods}/web`, { metadata: {} }, { 'content-type': 'application/json' })).status).toBe(415);
    await call('PATCH', `${pods}/web`, { metadata: { labels: { a: 'b' } } }, { 'content-type': 'application/merge-patch+json' });
    const stale = await call('PATCH', `${pods}/web`, { metadata: { resourceVersion: pod.metadata.resourceVersion, labels: { a: 'c' } } }, { 'content-type': 'application/merge-patch+json' });
    expect(stale.status).toBe(409);
  });
});

describe('deployments', () => {
  it('round-trips in a namespace with replicas defaulted to 1', async () => {
    const { call } = testApi();
    const res = await call('POST', deployments, deploymentManifest('web'));
    expect(res.status).toBe(201);
    const d = await res.json();
    expect(d).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'default', generation: 1 }, spec: { replicas: 1 } });
    const scaled = await (await call('PATCH', `${deployments}/web`, { spec: { replicas: 3 } }, { 'content-type': 'application/merge-patch+json' })).json();
    expect(scaled.spec.replicas).toBe(3);
    expect(scaled.metadata.generation).toBe(2);
    expect((await (await call('GET', deployments)).json()).kind).toBe('DeploymentList');
    expect((await call('DELETE', `${deployments}/web`)).status).toBe(200);
    expect((await call('GET', `${deployments}/web`)).status).toBe(404);
  });

  it('answers 422 naming spec.template.metadata.labels when the selector does not match', async () => {
    const { call } = testApi();
    const d = deploymentManifest('web');
    (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels = { app: 'other' };
    const res = await call('POST', deployments, d);
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.message).toContain('spec.template.metadata.labels');
    expect(body.details.causes[0].field).toBe('spec.template.metadata.labels');
  });

  it('refuses to change the selector', async () => {
    const { call } = testApi();
    await call('POST', deployments, deploymentManifest('web'));
    const res = await call('PATCH', `${deployments}/web`, { spec: { selector: { matchLabels: { app: 'web', x: 'y' } }, template: { metadata: { labels: { app: 'web', x: 'y' } } } } }, { 'content-type': 'application/merge-patch+json' });
    expect(res.status).toBe(422);
    expect((await res.json()).message).toContain('spec.selector');
  });
});

describe('cluster-scoped kinds', () => {
  it('stores nodes without a namespace and overlays nodeView on reads', async () => {
    const { call, store } = testApi({ nodeView: (n) => ({ ...n, status: { conditions: [{ type: 'Ready', status: 'True' }] } }) });
    const res = await call('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'edge-1', namespace: 'ignored' } });
    expect(res.status).toBe(201);
    expect(store.get('Node', '', 'edge-1')?.metadata).not.toHaveProperty('namespace');
    expect(store.get('Node', '', 'edge-1')?.status).toBeUndefined();
    expect((await (await call('GET', '/api/v1/nodes/edge-1')).json()).status.conditions[0].type).toBe('Ready');
    expect((await (await call('GET', '/api/v1/nodes')).json()).items[0].status.conditions[0].status).toBe('True');
    expect((await call('GET', '/api/v1/namespaces/default/nodes')).status).toBe(404);
  });

  it('deletes a namespace with everything in it, but never default', async () => {
    const { call, store } = testApi();
    await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    await call('POST', '/api/v1/namespaces/prod/pods', podManifest('a'));
    await call('POST', '/apis/apps/v1/namespaces/prod/deployments', deploymentManifest('d'));
    expect((await call('DELETE', '/api/v1/namespaces/prod')).status).toBe(200);
    expect(store.list('Pod', { namespace: 'prod' }).items).toEqual([]);
    expect(store.list('Deployment', { namespace: 'prod' }).items).toEqual([]);
    const res = await call('DELETE', '/api/v1/namespaces/default');
    expect(res.status).toBe(403);
    expect((await call('GET', '/api/v1/namespaces/default')).status).toBe(200);
  });
});
