import { describe, expect, it } from 'vitest';
import { parseResourcePath } from './resource-path.js';

const parse = (p: string) => {
  const t = parseResourcePath(p, 'GET');
  return { kind: t.info.kind, namespace: t.namespace, name: t.name, subresource: t.subresource };
};

describe('parseResourcePath', () => {
  it.each([
    ['/api/v1/pods', { kind: 'Pod' }],
    ['/api/v1/namespaces/default/pods', { kind: 'Pod', namespace: 'default' }],
    ['/api/v1/namespaces/default/pods/web', { kind: 'Pod', namespace: 'default', name: 'web' }],
    ['/api/v1/namespaces/default/pods/web/status', { kind: 'Pod', namespace: 'default', name: 'web', subresource: 'status' }],
    ['/api/v1/namespaces', { kind: 'Namespace' }],
    ['/api/v1/namespaces/prod', { kind: 'Namespace', name: 'prod' }],
    ['/api/v1/namespaces/prod/status', { kind: 'Namespace', name: 'prod', subresource: 'status' }],
    ['/api/v1/nodes/edge-1', { kind: 'Node', name: 'edge-1' }],
    ['/apis/apps/v1/deployments', { kind: 'Deployment' }],
    ['/apis/apps/v1/namespaces/default/deployments/web', { kind: 'Deployment', namespace: 'default', name: 'web' }],
  ])('%s', (path, want) => {
    expect(parse(path)).toEqual({ namespace: undefined, name: undefined, subresource: undefined, ...want });
  });

  it.each([
    '/api/v2/pods',
    '/api/v1/deployments',
    '/apis/apps/v1/pods',
    '/api/v1/pods/web',
    '/api/v1/namespaces/default/nodes',
    '/api/v1/namespaces/default/pods/web/logs',
    '/api/v1/namespaces/default/pods/web/status/x',
    '/apis',
  ])('%s is not served', (path) => {
    expect(() => parseResourcePath(path, 'GET')).toThrow(`kedge does not serve GET ${path}`);
  });
});
