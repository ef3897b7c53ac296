import { describe, expect, it } from 'vitest';
import { kinds } from '../../shared/kinds.js';
import { emptyOpenApiV2Protobuf, openApiV3Document } from './openapi.js';
import { testApi } from './test-fixtures.js';

type Op = { 'x-kubernetes-group-version-kind': { group: string; version: string; kind: string }; parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, unknown> } };

describe('OpenAPI v3', () => {
  it('indexes one document per group version, by hash', async () => {
    const { call } = testApi();
    const index = (await (await call('GET', '/openapi/v3')).json()) as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(index.paths).sort()).toEqual(['api/v1', 'apis/apps/v1', 'apis/discovery.k8s.io/v1']);
    const url = index.paths['apis/apps/v1']!.serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{32}$/);
    const res = await call('GET', url);
    expect(res.headers.get('cache-control')).toBe('public, immutable');
    expect((await res.json()).openapi).toBe('3.0.0');
    expect((await call('GET', '/openapi/v3/apis/batch/v1')).status).toBe(404);
  });

  it('every kind has a PATCH operation with its GVK, fieldValidation and the strategic merge patch type', () => {
    for (const k of kinds) {
      const doc = openApiV3Document(k.group, k.version) as { paths: Record<string, { patch?: Op }>; components: { schemas: Record<string, Record<string, unknown>> } };
      const patches = Object.values(doc.paths).map((p) => p.patch).filter((p): p is Op => !!p && p['x-kubernetes-group-version-kind'].kind === k.kind);
      expect(patches.length, k.kind).toBe(2); // the object and its status
      for (const p of patches) {
        expect(p['x-kubernetes-group-version-kind']).toEqual({ group: k.group, version: k.version, kind: k.kind });
        expect(p.parameters).toContainEqual(expect.objectContaining({ name: 'fieldValidation', in: 'query' }));
        expect(Object.keys(p.requestBody!.content)).toContain('application/strategic-merge-patch+json');
      }
      // No component schema claims a kind: kubectl builds its patches from its own Kubernetes types.
      expect(Object.values(doc.components.schemas).some((s) => 'x-kubernetes-group-version-kind' in s)).toBe(false);
    }
  });
});

describe('OpenAPI v2', () => {
  it('answers kubectl\'s protobuf request with an empty gnostic document', async () => {
    const { call } = testApi();
    const res = await call('GET', '/openapi/v2', undefined, { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    expect(res.headers.get('content-type')).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.equals(emptyOpenApiV2Protobuf())).toBe(true);
    // field 1 (swagger) = "2.0"
    expect([...bytes.subarray(0, 5)]).toEqual([0x0a, 3, 0x32, 0x2e, 0x30]);
    expect((await (await call('GET', '/openapi/v2')).json()).swagger).toBe('2.0');
  });
});
