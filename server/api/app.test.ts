import { describe, expect, it } from 'vitest';
import { kubeVersion } from '../../shared/version.js';
import { adminToken, podManifest, testApi } from './testing/fixtures.js';

describe('auth', () => {
  it('answers 401 Status without a token or with a wrong one', async () => {
    const { app } = testApi();
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong' }, { authorization: `Basic ${adminToken}` }, { authorization: `Bearer ${adminToken}x` }]) {
      const res = await app.request('/api/v1/namespaces/default/pods', { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401, message: 'Unauthorized: a valid bearer token is required' });
    }
  });

  it('lets health, version and cacerts through without a token', async () => {
    const { app } = testApi();
    for (const path of ['/healthz', '/readyz', '/livez', '/version', '/cacerts']) expect((await app.request(path)).status).toBe(200);
    expect(await (await app.request('/cacerts')).text()).toContain('BEGIN CERTIFICATE');
    expect((await app.request('/api')).status).toBe(401);
  });

  it('serves with the right token', async () => {
    const { call } = testApi();
    expect((await call('GET', '/api/v1/namespaces/default/pods')).status).toBe(200);
  });
});

describe('errors', () => {
  it('answers 400 naming the request body for malformed JSON', async () => {
    const { call } = testApi();
    const res = await call('POST', '/api/v1/namespaces/default/pods', '{"apiVersion": "v1", ');
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect(body.message).toContain('request body');
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const { call, store } = testApi();
    const big = podManifest('big');
    big.metadata.annotations = { filler: 'x'.repeat(1024 * 1024 + 10) };
    const res = await call('POST', '/api/v1/namespaces/default/pods', big);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 });
    expect(store.get('Pod', 'default', 'big')).toBeUndefined();
    // With a declared Content-Length the limit holds too.
    const declared = await call('POST', '/api/v1/namespaces/default/pods', JSON.stringify(big), { 'content-length': String(JSON.stringify(big).length) });
    expect(declared.status).toBe(413);
  });

  it('answers 404 Status for an unknown resource or path', async () => {
    const { call } = testApi();
    for (const path of ['/api/v1/namespaces/default/widgets', '/apis/apps/v2/deployments', '/api/v1/pods/web', '/nope', '/api/v1/namespaces/default/pods/web/exec']) {
      const res = await call('GET', path);
      expect(res.status, path).toBe(404);
      const body = await res.json();
      expect(body).toMatchObject({ kind: 'Status', reason: 'NotFound' });
      expect(body.message).toContain('kedge does not serve');
    }
  });

  it('answers 405 Status for an unsupported verb', async () => {
    const { call } = testApi();
    expect((await call('DELETE', '/api/v1/namespaces/default/pods')).status).toBe(405);
    expect((await call('POST', '/api/v1/namespaces/default/pods/web', podManifest('web'))).status).toBe(405);
    expect((await call('POST', '/api/v1/pods', podManifest('web'))).status).toBe(405);
    const res = await call('DELETE', '/api/v1/namespaces/default/pods/web/status');
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
  });

  it('turns an unexpected error into a logged 500 Status', async () => {
    const { call, logs } = testApi({ nodeView: () => { throw new Error('tracker exploded'); } });
    await call('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    const res = await call('GET', '/api/v1/nodes/n1');
    expect(res.status).toBe(500);
    expect((await res.json()).message).toContain('tracker exploded');
    expect(logs.join('\n')).toContain('tracker exploded');
  });
});

describe('discovery', () => {
  it('serves /version like Kubernetes version.Info', async () => {
    const { app } = testApi();
    const v = await (await app.request('/version')).json();
    expect(v).toMatchObject({ major: kubeVersion.major, minor: kubeVersion.minor, gitVersion: kubeVersion.gitVersion });
    expect(v.platform).toMatch(/^[a-z0-9]+\/[a-z0-9]+$/);
  });

  it('lists versions, groups and resources from shared/kinds.ts, and the reviews kubectl auth sends', async () => {
    const { call } = testApi();
    expect(await (await call('GET', '/api')).json()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const core = await (await call('GET', '/api/v1')).json();
    expect(core.kind).toBe('APIResourceList');
    expect(core.resources).toContainEqual(expect.objectContaining({ name: 'pods', kind: 'Pod', namespaced: true, shortNames: ['po'], verbs: expect.arrayContaining(['watch', 'patch']) }));
    expect(core.resources).toContainEqual(expect.objectContaining({ name: 'nodes', namespaced: false }));
    const groups = await (await call('GET', '/apis')).json();
    expect(groups).toMatchObject({
      kind: 'APIGroupList',
      groups: [
        { name: 'apps', preferredVersion: { groupVersion: 'apps/v1' } },
        { name: 'discovery.k8s.io', preferredVersion: { groupVersion: 'discovery.k8s.io/v1' } },
        { name: 'authorization.k8s.io', preferredVersion: { groupVersion: 'authorization.k8s.io/v1' } },
        { name: 'authentication.k8s.io', preferredVersion: { groupVersion: 'authentication.k8s.io/v1' } },
      ],
    });
    expect(core.resources).toContainEqual(expect.objectContaining({ name: 'services', kind: 'Service', shortNames: ['svc'], categories: ['all'] }));
    expect(core.resources).toContainEqual(expect.objectContaining({ name: 'endpoints', kind: 'Endpoints', shortNames: ['ep'] }));
    const discovery = await (await call('GET', '/apis/discovery.k8s.io/v1')).json();
    expect(discovery.resources).toContainEqual(expect.objectContaining({ name: 'endpointslices', kind: 'EndpointSlice', namespaced: true }));
    const apps = await (await call('GET', '/apis/apps/v1')).json();
    expect(apps.resources).toContainEqual(expect.objectContaining({ name: 'deployments', shortNames: ['deploy'] }));
    expect((await call('GET', '/apis/batch/v1')).status).toBe(404);
    const authz = await (await call('GET', '/apis/authorization.k8s.io/v1')).json();
    expect(authz.resources).toEqual([
      expect.objectContaining({ name: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: ['create'] }),
      expect.objectContaining({ name: 'selfsubjectrulesreviews', kind: 'SelfSubjectRulesReview', verbs: ['create'] }),
    ]);
  });
});
