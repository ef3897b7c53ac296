import { describe, expect, it } from 'vitest';
import { deploymentManifest, testApi } from './testing/fixtures.js';

const path = '/apis/apps/v1/namespaces/default/deployments/web/scale';

describe('the scale subresource (autoscaling/v1 Scale)', () => {
  it('GET shows spec.replicas, status.replicas and the selector', async () => {
    const { call } = testApi();
    await call('POST', '/apis/apps/v1/namespaces/default/deployments', deploymentManifest('web', 2));
    const res = await call('GET', path);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=web' } });
  });

  it('PUT and merge PATCH change the Deployment; a stale resourceVersion is a Conflict', async () => {
    const { call, store } = testApi();
    await call('POST', '/apis/apps/v1/namespaces/default/deployments', deploymentManifest('web', 2));
    const scale = (await (await call('GET', path)).json()) as { metadata: { resourceVersion: string } };
    const put = await call('PUT', path, { ...scale, spec: { replicas: 5 } });
    expect(put.status).toBe(200);
    expect((store.get('Deployment', 'default', 'web')!.spec as { replicas: number }).replicas).toBe(5);
    const stale = await call('PUT', path, { ...scale, spec: { replicas: 6 } });
    expect(stale.status).toBe(409);
    const patch = await call('PATCH', path, { spec: { replicas: 1 } }, { 'content-type': 'application/merge-patch+json' });
    expect(await patch.json()).toMatchObject({ spec: { replicas: 1 } });
    expect(store.get('Deployment', 'default', 'web')!.metadata.generation).toBe(3);
  });

  it('refuses negative replicas (422 naming spec.replicas), unknown objects (404) and kinds without scale', async () => {
    const { call } = testApi();
    await call('POST', '/apis/apps/v1/namespaces/default/deployments', deploymentManifest('web', 2));
    const bad = await call('PATCH', path, { spec: { replicas: -1 } }, { 'content-type': 'application/merge-patch+json' });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { message: string }).message).toContain('spec.replicas');
    expect((await call('GET', '/apis/apps/v1/namespaces/default/deployments/nope/scale')).status).toBe(404);
    expect((await call('GET', '/apis/apps/v1/namespaces/default/daemonsets/web/scale')).status).toBe(404);
  });

  it('is listed in discovery so kubectl scale finds it', async () => {
    const { call } = testApi();
    const list = (await (await call('GET', '/apis/apps/v1')).json()) as { resources: { name: string; kind: string; group?: string }[] };
    expect(list.resources).toContainEqual(expect.objectContaining({ name: 'deployments/scale', kind: 'Scale', group: 'autoscaling' }));
    expect(list.resources).toContainEqual(expect.objectContaining({ name: 'replicasets/scale', kind: 'Scale' }));
  });
});
