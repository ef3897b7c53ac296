import { describe, expect, it } from 'vitest';
import { deploymentManifest, testApi } from './testing/fixtures.js';

const deployments = '/apis/apps/v1/namespaces/default/deployments';

describe('admission of workloads', () => {
  it('refuses a rolling update with maxSurge and maxUnavailable both 0 (422 naming the field)', async () => {
    const { call } = testApi();
    const d = deploymentManifest('web', 2);
    (d.spec as Record<string, unknown>).strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } };
    const res = await call('POST', deployments, d);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { message: string; details: { causes: { field: string }[] } };
    expect(body.message).toBe('Deployment.apps "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0');
    expect(body.details.causes[0]!.field).toBe('spec.strategy.rollingUpdate.maxUnavailable');
  });

  it('refuses maxUnavailable over 100%, rollingUpdate with Recreate, and accepts sound limits', async () => {
    const { call } = testApi();
    const with_ = (strategy: unknown) => ({ ...deploymentManifest('web', 2), spec: { ...(deploymentManifest('web', 2).spec as object), strategy } });
    expect((await call('POST', deployments, with_({ rollingUpdate: { maxUnavailable: '150%' } }))).status).toBe(422);
    expect((await call('POST', deployments, with_({ type: 'Recreate', rollingUpdate: { maxSurge: 1 } }))).status).toBe(422);
    expect((await call('POST', deployments, with_({ rollingUpdate: { maxSurge: 0 } }))).status).toBe(201);
  });

  it('checks ReplicaSet and DaemonSet selectors against their template labels', async () => {
    const { call } = testApi();
    const template = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { selector: { matchLabels: { app: 'y' } }, template } };
    expect((await call('POST', '/apis/apps/v1/namespaces/default/replicasets', rs)).status).toBe(422);
    const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'x' } }, template, updateStrategy: { rollingUpdate: { maxUnavailable: 0 } } } };
    const res = await call('POST', '/apis/apps/v1/namespaces/default/daemonsets', ds);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { message: string }).message).toContain('spec.updateStrategy.rollingUpdate.maxUnavailable');
    const ok = { ...ds, spec: { ...ds.spec, updateStrategy: undefined } };
    const created = await call('POST', '/apis/apps/v1/namespaces/default/daemonsets', ok);
    expect(created.status).toBe(201);
    // kubectl rollout status reads the type, which Kubernetes defaults.
    expect(((await created.json()) as { spec: { updateStrategy: unknown } }).spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
  });
});
