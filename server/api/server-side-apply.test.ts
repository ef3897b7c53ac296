import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { deploymentManifest, testApi } from './testing/fixtures.js';

const path = '/apis/apps/v1/namespaces/default/deployments/web?fieldManager=kubectl&force=true';
const applyYaml = { 'content-type': 'application/apply-patch+yaml' };

describe('server-side apply (application/apply-patch+yaml)', () => {
  it('creates a missing object from YAML, then merges: containers by name, untouched fields kept', async () => {
    const { call } = testApi();
    const first = deploymentManifest('web', 2) as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    first.spec.template.spec.containers[0]!.command = ['serve'];
    const created = await call('PATCH', path, stringify(first), applyYaml);
    expect(created.status).toBe(201);

    const second = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { tier: 'front' } }, spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } };
    const res = await call('PATCH', path, JSON.stringify(second), applyYaml);
    expect(res.status).toBe(200);
    const d = await res.json();
    expect(d.metadata.labels).toEqual({ tier: 'front' });
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.containers).toEqual([{ name: 'web', image: 'nginx:1.28', command: ['serve'] }]);
    expect(Number(d.metadata.generation)).toBeGreaterThan(1);
  });

  it('validates what it creates and names a bad body', async () => {
    const { call } = testApi();
    const bad = await call('PATCH', path, 'kind: Deployment\napiVersion: apps/v1\nmetadata: {name: web}\nspec: {}\n', applyYaml);
    expect(bad.status).toBe(422);
    const junk = await call('PATCH', path, '- a\n- b\n', applyYaml);
    expect(junk.status).toBe(400);
    expect((await junk.json()).message).toContain('must be one object');
  });
});
