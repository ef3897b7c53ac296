import { describe, expect, it } from 'vitest';
import { aggregatedVersion } from './discovery.js';
import { testApi } from './testing/fixtures.js';

const kubectlAccept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

interface Resource {
  resource: string;
  scope: string;
  shortNames?: string[];
  categories?: string[];
  responseKind: { group: string; version: string; kind: string };
  subresources: { subresource: string; responseKind: { kind: string } }[];
}
interface Doc {
  kind: string;
  apiVersion: string;
  items: { metadata: { name?: string }; versions: { version: string; resources: Resource[] }[] }[];
}

describe('aggregated discovery', () => {
  it('answers kubectl\'s Accept on /api with the core group in one document', async () => {
    const { call } = testApi();
    const res = await call('GET', '/api', undefined, { accept: kubectlAccept });
    expect(res.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const doc = (await res.json()) as Doc;
    expect(doc).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    expect(doc.items).toHaveLength(1);
    expect(doc.items[0]!.metadata.name).toBeUndefined();
    const resources = doc.items[0]!.versions[0]!.resources;
    const byName = Object.fromEntries(resources.map((r) => [r.resource, r]));
    expect(Object.keys(byName).sort()).toEqual(['configmaps', 'endpoints', 'events', 'namespaces', 'nodes', 'pods', 'secrets', 'services']);
    expect(byName.pods).toMatchObject({ scope: 'Namespaced', shortNames: ['po'], categories: ['all'], responseKind: { group: '', version: 'v1', kind: 'Pod' } });
    expect(byName.pods!.subresources.map((s) => s.subresource)).toEqual(['status', 'log']);
    expect(byName.nodes).toMatchObject({ scope: 'Cluster', shortNames: ['no'] });
    expect(byName.events!.shortNames).toEqual(['ev']);
  });

  it('lists apps on /apis, with the scale subresource kubectl scale looks for', async () => {
    const { call } = testApi();
    const doc = (await (await call('GET', '/apis', undefined, { accept: kubectlAccept })).json()) as Doc;
    expect(doc.items.map((i) => i.metadata.name)).toEqual(['apps', 'discovery.k8s.io', 'authorization.k8s.io', 'authentication.k8s.io']);
    expect(doc.items[1]!.versions[0]!.resources.map((r) => r.resource)).toEqual(['endpointslices']);
    const deploy = doc.items[0]!.versions[0]!.resources.find((r) => r.resource === 'deployments')!;
    expect(deploy).toMatchObject({ shortNames: ['deploy'], responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' } });
    expect(deploy.subresources).toContainEqual({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
    const review = doc.items.find((i) => i.metadata.name === 'authorization.k8s.io')!.versions[0]!.resources.find((r) => r.resource === 'selfsubjectaccessreviews')!;
    expect(review).toMatchObject({ scope: 'Cluster', verbs: ['create'], responseKind: { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview' }, subresources: [] });
  });

  it('falls back to the legacy documents for plain JSON clients', async () => {
    const { call } = testApi();
    expect((await (await call('GET', '/apis')).json()).kind).toBe('APIGroupList');
    expect(aggregatedVersion('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList')).toBe('v2beta1');
    expect(aggregatedVersion('application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList')).toBeUndefined();
    const core = await (await call('GET', '/api/v1')).json();
    expect(core.resources).toContainEqual(expect.objectContaining({ name: 'pods/log', kind: 'Pod', verbs: ['get'] }));
  });
});
