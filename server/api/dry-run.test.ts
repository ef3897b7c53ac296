import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { kinds } from '../../shared/kinds.js';
import type { KObject } from '../../shared/meta.js';
import type { Store, StoreEvent } from '../store/types.js';
import { deploymentManifest, podManifest, testApi } from './testing/fixtures.js';

const deployments = '/apis/apps/v1/namespaces/default/deployments';
const configmaps = '/api/v1/namespaces/default/configmaps';
const merge = { 'content-type': 'application/merge-patch+json' };
const jsonPatch = { 'content-type': 'application/json-patch+json' };
const strategic = { 'content-type': 'application/strategic-merge-patch+json' };
const applyYaml = { 'content-type': 'application/apply-patch+yaml' };

const withDryRun = (path: string, value = 'All') => `${path}${path.includes('?') ? '&' : '?'}dryRun=${value}`;

/** Every object of every kind, for comparing before and after. */
function everything(store: Store): KObject[] {
  return kinds.flatMap((k) => store.list(k.kind).items);
}

/** A cluster with a Deployment, a ConfigMap and a namespace holding a pod; and what the store's change feed hears from then on. */
async function cluster() {
  const api = testApi();
  const { call, store } = api;
  expect((await call('POST', deployments, deploymentManifest('web', 2))).status).toBe(201);
  expect((await call('POST', configmaps, { metadata: { name: 'cfg' }, data: { a: '1' } })).status).toBe(201);
  expect((await call('POST', '/api/v1/namespaces', { metadata: { name: 'team' } })).status).toBe(201);
  expect((await call('POST', '/api/v1/namespaces/team/pods', podManifest('p'))).status).toBe(201);
  const heard: StoreEvent[] = [];
  store.watch((e) => heard.push(e));
  const rv = store.currentResourceVersion();
  const before = everything(store);
  /** Nothing was stored, no resourceVersion used, and the change feed (what the controllers and the nodes' desired state follow) heard nothing. */
  const untouched = () => {
    expect(heard).toEqual([]);
    expect(store.currentResourceVersion()).toBe(rv);
    expect(everything(store)).toEqual(before);
  };
  return { ...api, untouched, stored: (kind: string, ns: string, name: string) => store.get(kind, ns, name) };
}

describe('dryRun=All: answered as the real request, nothing stored or sent', () => {
  it('create: the would-be object with uid, creationTimestamp, a generated name and defaults, but no resourceVersion', async () => {
    const { call, untouched } = await cluster();
    const res = await call('POST', withDryRun(configmaps), { metadata: { generateName: 'cfg-' }, data: { b: '2' } });
    expect(res.status).toBe(201);
    const cm = (await res.json()) as KObject & { data: unknown };
    expect(cm.metadata.name).toMatch(/^cfg-[a-z0-9]{5}$/);
    expect(cm.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(cm.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(cm.metadata.resourceVersion).toBeUndefined();
    expect(cm.data).toEqual({ b: '2' });
    const deploy = (await (await call('POST', withDryRun(deployments), deploymentManifest('new'))).json()) as KObject & { spec: { replicas: number } };
    expect(deploy.spec.replicas).toBe(1); // defaulted by admission
    expect(deploy.metadata.generation).toBe(1);
    untouched();
  });

  it('update (PUT) and the status subresource: the changed object, the stored resourceVersion kept', async () => {
    const { call, untouched, stored } = await cluster();
    const current = stored('Deployment', 'default', 'web') as KObject & { spec: { template: { spec: { containers: { image: string }[] } } } };
    const changed = structuredClone(current);
    changed.spec.template.spec.containers[0]!.image = 'nginx:1.28';
    const res = await call('PUT', withDryRun(`${deployments}/web`), changed);
    expect(res.status).toBe(200);
    const out = (await res.json()) as typeof current;
    expect(out.spec.template.spec.containers[0]!.image).toBe('nginx:1.28');
    expect(out.metadata.generation).toBe(2);
    expect(out.metadata.resourceVersion).toBe(current.metadata.resourceVersion);
    const status = await call('PUT', withDryRun(`${deployments}/web/status`), { ...current, status: { replicas: 7 } });
    expect(status.status).toBe(200);
    expect(((await status.json()) as { status: unknown }).status).toEqual({ replicas: 7 });
    const statusPatch = await call('PATCH', withDryRun(`${deployments}/web/status`), { status: { readyReplicas: 1 } }, merge);
    expect(((await statusPatch.json()) as { status: unknown }).status).toEqual({ readyReplicas: 1 });
    untouched();
  });

  it('patch of every type: JSON, merge, strategic merge and server-side apply (update and create)', async () => {
    const { call, untouched } = await cluster();
    const replicas = async (res: Response) => {
      expect(res.status).toBeLessThan(300);
      return ((await res.json()) as { spec: { replicas: number } }).spec.replicas;
    };
    expect(await replicas(await call('PATCH', withDryRun(`${deployments}/web`), [{ op: 'replace', path: '/spec/replicas', value: 3 }], jsonPatch))).toBe(3);
    expect(await replicas(await call('PATCH', withDryRun(`${deployments}/web`), { spec: { replicas: 4 } }, merge))).toBe(4);
    expect(await replicas(await call('PATCH', withDryRun(`${deployments}/web`), { spec: { replicas: 5 } }, strategic))).toBe(5);
    const applied = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 6 } };
    expect(await replicas(await call('PATCH', withDryRun(`${deployments}/web?fieldManager=kubectl&force=true`), stringify(applied), applyYaml))).toBe(6);
    const created = await call('PATCH', withDryRun(`${deployments}/fresh?fieldManager=kubectl`), stringify(deploymentManifest('fresh', 8)), applyYaml);
    expect(created.status).toBe(201);
    const fresh = (await created.json()) as KObject & { spec: { replicas: number } };
    expect(fresh.spec.replicas).toBe(8);
    expect(fresh.metadata.resourceVersion).toBeUndefined();
    untouched();
  });

  it('the scale subresource (PUT and PATCH): the Scale as it would be', async () => {
    const { call, untouched } = await cluster();
    const scale = (await (await call('GET', `${deployments}/web/scale`)).json()) as { metadata: { resourceVersion: string } };
    const put = await call('PUT', withDryRun(`${deployments}/web/scale`), { ...scale, spec: { replicas: 9 } });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ kind: 'Scale', spec: { replicas: 9 }, metadata: { resourceVersion: scale.metadata.resourceVersion } });
    const patch = await call('PATCH', withDryRun(`${deployments}/web/scale`), { spec: { replicas: 0 } }, merge);
    expect(await patch.json()).toMatchObject({ spec: { replicas: 0 } });
    untouched();
  });

  it('delete: what a real delete answers, the object staying; from the query or from DeleteOptions (where kubectl puts it)', async () => {
    const { call, untouched, stored } = await cluster();
    const web = stored('Deployment', 'default', 'web')!;
    const byQuery = await call('DELETE', withDryRun(`${deployments}/web`));
    expect(byQuery.status).toBe(200);
    // Gone at once (nothing holds it): a Status naming it, as Kubernetes answers.
    expect(await byQuery.json()).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'web', group: 'apps', kind: 'deployments', uid: web.metadata.uid } });
    const byBody = await call('DELETE', `${configmaps}/cfg`, { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'], propagationPolicy: 'Foreground' });
    expect(byBody.status).toBe(200);
    // Held by the foreground finalizer: the object as it would be, with the resourceVersion it keeps.
    expect(await byBody.json()).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'cfg', finalizers: ['foregroundDeletion'], resourceVersion: stored('ConfigMap', 'default', 'cfg')!.metadata.resourceVersion } });
    // A namespace takes everything inside it along, and all of it comes back.
    const ns = await call('DELETE', '/api/v1/namespaces/team', { dryRun: ['All'] });
    expect(ns.status).toBe(200);
    expect(stored('Pod', 'team', 'p')).toBeDefined();
    untouched();
  });

  it('fails exactly as the real request does, and stores nothing either way', async () => {
    const { call, untouched, stored } = await cluster();
    const current = stored('Deployment', 'default', 'web')!;
    const strictPod = podManifest('strict') as unknown as { spec: Record<string, unknown> };
    strictPod.spec.bogus = true;
    const badSelector = deploymentManifest('bad') as unknown as { spec: { selector: unknown } };
    badSelector.spec.selector = { matchLabels: { app: 'other' } };
    const failing: [string, string, unknown, Record<string, string>?][] = [
      ['POST', configmaps, { metadata: { name: 'cfg' } }], // already exists
      ['POST', '/api/v1/namespaces/ghost/configmaps', { metadata: { name: 'x' } }], // no such namespace
      ['PUT', `${deployments}/web`, { ...current, metadata: { ...current.metadata, resourceVersion: '1' } }], // conflict
      ['POST', '/api/v1/namespaces/default/pods?fieldValidation=Strict', strictPod], // unknown field
      ['POST', deployments, badSelector], // admission: selector does not match the template
      ['PATCH', `${deployments}/web`, { spec: { replicas: -1 } }, merge], // schema
      ['PATCH', `${deployments}/web`, [{ op: 'test', path: '/spec/replicas', value: 99 }], jsonPatch], // failed test op
      ['PATCH', `${deployments}/web?fieldManager=kubectl`, 'kind: Deployment\napiVersion: apps/v1\nmetadata: {name: web}\nspec: {selector: {matchLabels: {app: x}}}\n', applyYaml],
      ['PUT', `${deployments}/web/scale`, { metadata: { name: 'web', resourceVersion: '1' }, spec: { replicas: 2 } }], // conflict
      ['PATCH', `${deployments}/web/scale`, { spec: { replicas: -3 } }, merge],
      ['DELETE', `${deployments}/missing`, undefined],
      ['DELETE', '/api/v1/namespaces/default', undefined], // forbidden
    ];
    for (const [method, path, body, headers] of failing) {
      const dry = await call(method, withDryRun(path), body, headers);
      const real = await call(method, path, body, headers);
      expect(dry.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect([dry.status, await dry.json()], `${method} ${path}`).toEqual([real.status, await real.json()]);
    }
    untouched();
  });

  it('refuses any other dryRun value with a 400 naming it, before doing anything', async () => {
    const { call, untouched } = await cluster();
    const expectRefused = async (res: Response, value: string) => {
      expect(res.status).toBe(400);
      const status = (await res.json()) as { message: string; details: { causes: { field: string }[] } };
      expect(status.message).toBe(`dryRun: Unsupported value: "${value}": supported values: "All"`);
      expect(status.details.causes[0]!.field).toBe('dryRun');
    };
    await expectRefused(await call('POST', withDryRun(configmaps, 'Yes'), { metadata: { name: 'new' } }), 'Yes');
    await expectRefused(await call('PATCH', withDryRun(`${deployments}/web`, 'all'), { spec: { replicas: 1 } }, merge), 'all');
    await expectRefused(await call('PUT', withDryRun(`${deployments}/web/scale`, 'server'), { spec: { replicas: 1 } }), 'server');
    await expectRefused(await call('DELETE', withDryRun(`${deployments}/web`, '')), '');
    await expectRefused(await call('DELETE', `${deployments}/web`, { dryRun: ['All', 'Some'] }), 'Some');
    // Even with a valid value beside it, and before the object is even looked up.
    await expectRefused(await call('POST', `${configmaps}?dryRun=All&dryRun=None`, { metadata: { name: 'new' } }), 'None');
    await expectRefused(await call('DELETE', withDryRun(`${deployments}/missing`, 'x')), 'x');
    await expectRefused(await call('PATCH', withDryRun(`${deployments}/missing`, 'x'), { spec: {} }, merge), 'x');
    await expectRefused(await call('PATCH', withDryRun(`${deployments}/web/scale`, 'x'), { spec: { replicas: -1 } }, merge), 'x');
    const notAList = await call('DELETE', `${deployments}/web`, { dryRun: 'All' });
    expect(notAList.status).toBe(400);
    expect(((await notAList.json()) as { message: string }).message).toContain('dryRun: must be a list');
    untouched();
  });

  it('without dryRun the same requests are carried out (the checks above are not vacuous)', async () => {
    const { call, store, stored } = await cluster();
    const rv = store.currentResourceVersion();
    expect((await call('PATCH', `${deployments}/web`, { spec: { replicas: 4 } }, merge)).status).toBe(200);
    expect((await call('DELETE', `${configmaps}/cfg`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' })).status).toBe(200);
    expect((stored('Deployment', 'default', 'web')!.spec as { replicas: number }).replicas).toBe(4);
    expect(stored('ConfigMap', 'default', 'cfg')).toBeUndefined();
    expect(store.currentResourceVersion()).toBeGreaterThan(rv);
  });
});
