import { describe, expect, it } from 'vitest';
import { kinds } from '../../shared/kinds.js';
import { emptyOpenApiV2Protobuf, openApiV3Document } from './openapi.js';
import { schemaName } from './openapi-schemas.js';
import { testApi } from './testing/fixtures.js';

interface Schema {
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  'x-kubernetes-group-version-kind'?: unknown;
  [k: string]: unknown;
}
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

  it('every kind has a PATCH operation with its GVK and fieldValidation, listing no strategic merge patch', () => {
    for (const k of kinds) {
      const doc = openApiV3Document(k.group, k.version) as { paths: Record<string, { patch?: Op }> };
      const patches = Object.values(doc.paths).map((p) => p.patch).filter((p): p is Op => !!p && p['x-kubernetes-group-version-kind'].kind === k.kind);
      expect(patches.length, k.kind).toBe(2); // the object and its status
      for (const p of patches) {
        expect(p['x-kubernetes-group-version-kind']).toEqual({ group: k.group, version: k.version, kind: k.kind });
        expect(p.parameters).toContainEqual(expect.objectContaining({ name: 'fieldValidation', in: 'query' }));
        expect(p.parameters).toContainEqual(expect.objectContaining({ name: 'dryRun', in: 'query' }));
        // kubectl apply then builds its patches from its own Kubernetes types, not from the schemas below.
        expect(Object.keys(p.requestBody!.content)).not.toContain('application/strategic-merge-patch+json');
        expect(Object.keys(p.requestBody!.content)).toContain('application/merge-patch+json');
      }
    }
  });

  it('every kind in shared/kinds.ts has a component schema named as Kubernetes names it, carrying its GVK (what kubectl explain looks up)', () => {
    for (const k of kinds) {
      const doc = openApiV3Document(k.group, k.version) as { components: { schemas: Record<string, Schema> } };
      const name = `io.k8s.api.${k.group === '' ? 'core' : k.group.split('.')[0]}.${k.version}.${k.kind}`;
      expect(schemaName(k)).toBe(name);
      const schema = doc.components.schemas[name];
      expect(schema, name).toBeDefined();
      expect(schema!['x-kubernetes-group-version-kind']).toEqual([{ group: k.group, version: k.version, kind: k.kind }]);
      expect(schema!.description, k.kind).toBeTruthy();
      // Every top-level field says what it is; apiVersion, kind and metadata are filled in from the URL.
      for (const [field, sub] of Object.entries(schema!.properties!)) expect(sub.description, `${k.kind}.${field}: describe it with .describe() in its schema in shared/`).toBeTruthy();
      expect(schema!.required ?? []).not.toContain('metadata');
      // The kind's own schema is the one no other group version document claims.
      const elsewhere = Object.values(doc.components.schemas).filter((s) => JSON.stringify(s['x-kubernetes-group-version-kind'] ?? []).includes(`"kind":"${k.kind}"`));
      expect(elsewhere).toHaveLength(1);
    }
  });

  it('carries the field descriptions of the shared schemas, and request bodies point at the kind schemas', () => {
    const apps = openApiV3Document('apps', 'v1') as { paths: Record<string, { post?: { requestBody: { content: Record<string, { schema: { $ref: string } }> } } }>; components: { schemas: Record<string, Schema> } };
    const deployment = apps.components.schemas['io.k8s.api.apps.v1.Deployment']!;
    const spec = deployment.properties!.spec!;
    expect(spec.properties!.replicas).toMatchObject({ type: 'integer', minimum: 0, description: 'Number of desired pods. Defaults to 1.' });
    expect(spec.properties!.replicas!.maximum).toBeUndefined();
    // A number or a percentage reads as Kubernetes' int-or-string, not as an object.
    expect(spec.properties!.strategy!.properties!.rollingUpdate!.properties!.maxSurge).toMatchObject({ type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true });
    expect(deployment.properties!.metadata!.properties!.labels!.description).toContain('select');
    const post = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments']!.post!;
    expect(post.requestBody.content['application/json']!.schema.$ref).toBe('#/components/schemas/io.k8s.api.apps.v1.Deployment');
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
