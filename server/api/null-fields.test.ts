import { describe, expect, it } from 'vitest';
import { withoutNullFields } from './null-fields.js';
import { testApi } from './testing/fixtures.js';

describe('null fields', () => {
  it('drops null object fields at any depth, keeps list elements', () => {
    expect(withoutNullFields({ a: null, b: { c: null, d: 1 }, e: [null, { f: null }] })).toEqual({ b: { d: 1 }, e: [null, {}] });
  });

  it('accepts what kubectl create sends (creationTimestamp: null, resources: {})', async () => {
    const { call } = testApi();
    const body = {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web2', creationTimestamp: null, labels: { app: 'web2' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web2' } },
        template: { metadata: { creationTimestamp: null, labels: { app: 'web2' } }, spec: { containers: [{ name: 'busybox', image: 'busybox:test', resources: {} }] } },
        strategy: {},
      },
      status: {},
    };
    const res = await call('POST', '/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-create&fieldValidation=Strict', body);
    expect(res.status).toBe(201);
    expect((await res.json()).metadata.creationTimestamp).toMatch(/^\d{4}-/);
  });
});
