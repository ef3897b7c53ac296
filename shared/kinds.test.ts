import { describe, expect, it } from 'vitest';
import { resolveKind, resourcePath } from './kinds.js';

describe('resolveKind', () => {
  it.each([
    ['svc', 'Service'],
    ['services', 'Service'],
    ['Service', 'Service'],
    ['ep', 'Endpoints'],
    ['endpoints', 'Endpoints'],
    ['endpointslices', 'EndpointSlice'],
    ['endpointslice.discovery.k8s.io', 'EndpointSlice'],
    ['endpointslices.v1.discovery.k8s.io', 'EndpointSlice'],
    ['deploy', 'Deployment'],
    ['deployments.apps', 'Deployment'],
    ['deployments.apps/v1', 'Deployment'],
    ['pods.v1', 'Pod'],
  ])('%s → %s', (word, kind) => {
    expect(resolveKind(word)?.kind).toBe(kind);
  });

  it('knows no kind under another group', () => {
    expect(resolveKind('services.apps')).toBeUndefined();
    expect(resolveKind('endpointslices.v1')).toBeUndefined();
  });

  it('builds paths of the discovery group', () => {
    expect(resourcePath(resolveKind('endpointslices')!, 'default', 'web-abc')).toBe('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/web-abc');
    expect(resourcePath(resolveKind('svc')!, 'default')).toBe('/api/v1/namespaces/default/services');
  });
});
