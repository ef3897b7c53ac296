import { describe, expect, it } from 'vitest';
import { adminToken, testApi } from './testing/fixtures.js';

const accessReviews = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

describe('kubectl auth can-i / whoami', () => {
  it('answers a SelfSubjectAccessReview for the admin token with allowed: true, echoing what was asked', async () => {
    const { call, store } = testApi();
    const rv = store.currentResourceVersion();
    const spec = { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } };
    const res = await call('POST', accessReviews, { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec, status: { allowed: true } });
    const nonResource = await call('POST', accessReviews, { spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } } });
    expect(await nonResource.json()).toMatchObject({ status: { allowed: true } });
    // Reviews are answered, never stored.
    expect(store.currentResourceVersion()).toBe(rv);
  });

  it('refuses a review that asks about nothing, or about both kinds of attributes, naming spec', async () => {
    const { call } = testApi();
    for (const spec of [{}, { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/', verb: 'get' } }]) {
      const res = await call('POST', accessReviews, { spec });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { message: string }).message).toContain('spec: exactly one of nonResourceAttributes or resourceAttributes must be specified');
    }
    const wrongKind = await call('POST', accessReviews, { kind: 'SelfSubjectRulesReview', spec: { resourceAttributes: {} } });
    expect(wrongKind.status).toBe(422);
  });

  it('lists every rule for --list, and says who the admin is for whoami', async () => {
    const { call } = testApi();
    const rules = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', spec: { namespace: 'default' } });
    expect(rules.status).toBe(201);
    expect(await rules.json()).toMatchObject({
      spec: { namespace: 'default' },
      status: { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false },
    });
    const whoami = await call('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: {} });
    expect(whoami.status).toBe(201);
    expect(await whoami.json()).toMatchObject({ kind: 'SelfSubjectReview', status: { userInfo: { username: 'kedge-admin', groups: ['system:masters', 'system:authenticated'] } } });
  });

  it('answers nobody but the admin token', async () => {
    const { app } = testApi();
    const res = await app.request(accessReviews, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}-not`, 'content-type': 'application/json' },
      body: JSON.stringify({ spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } }),
    });
    expect(res.status).toBe(401);
  });
});
