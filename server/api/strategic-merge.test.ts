import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergePatch } from './patch.js';
import { strategicMergePatch } from './strategic-merge.js';

type Doc = { spec: { template: { spec: Record<string, unknown> } } } & Record<string, unknown>;
const deployment = (containers: unknown[], extra: Record<string, unknown> = {}): Doc => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { replicas: 2, template: { metadata: { labels: { app: 'web' } }, spec: { containers, ...extra } } } as Doc['spec'],
});
const podSpecPatch = (spec: Record<string, unknown>) => ({ spec: { template: { spec } } });
const containersOf = (d: Record<string, unknown>) => (d as { spec: { template: { spec: { containers: unknown[] } } } }).spec.template.spec.containers;

describe('strategic merge patch: merge keys as in Kubernetes', () => {
  it('merges containers by name: a changed image keeps the command and the other containers', () => {
    const doc = deployment([
      { name: 'web', image: 'web:1', command: ['serve'], env: [{ name: 'A', value: '1' }] },
      { name: 'sidecar', image: 'side:1' },
    ]);
    // What kubectl apply sends when only the image changed in the manifest.
    const patch = podSpecPatch({ '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }], containers: [{ name: 'web', image: 'web:2' }] });
    expect(containersOf(strategicMergePatch('Deployment', doc, patch))).toEqual([
      { name: 'web', image: 'web:2', command: ['serve'], env: [{ name: 'A', value: '1' }] },
      { name: 'sidecar', image: 'side:1' },
    ]);
  });

  it('deletes a container dropped from the manifest ($patch: delete) and appends a new one', () => {
    const doc = deployment([{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }]);
    const patch = podSpecPatch({ '$setElementOrder/containers': [{ name: 'a' }, { name: 'c' }], containers: [{ name: 'b', $patch: 'delete' }, { name: 'c', image: 'c' }] });
    expect(containersOf(strategicMergePatch('Deployment', doc, patch))).toEqual([{ name: 'a', image: 'a' }, { name: 'c', image: 'c' }]);
  });

  it('env by name, ports by containerPort, volumeMounts by mountPath', () => {
    const doc = deployment([
      { name: 'web', image: 'x', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, name: 'http' }], volumeMounts: [{ name: 'data', mountPath: '/data' }] },
    ]);
    const patch = podSpecPatch({
      containers: [
        {
          name: 'web',
          env: [{ name: 'B', value: '3' }, { name: 'A', $patch: 'delete' }],
          ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }],
          volumeMounts: [{ mountPath: '/data', readOnly: true }],
        },
      ],
    });
    expect(containersOf(strategicMergePatch('Deployment', doc, patch))).toEqual([
      { name: 'web', image: 'x', env: [{ name: 'B', value: '3' }], ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 443 }], volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }] },
    ]);
  });

  it('replaces lists without a merge key whole (tolerations, args), as Kubernetes does', () => {
    const doc = deployment([{ name: 'web', image: 'x', args: ['a', 'b'] }], { tolerations: [{ key: 'k1', operator: 'Exists' }, { key: 'k2', operator: 'Exists' }] });
    const patch = podSpecPatch({ tolerations: [{ key: 'k3', operator: 'Exists' }], containers: [{ name: 'web', args: ['c'] }] });
    const out = strategicMergePatch('Deployment', doc, patch) as ReturnType<typeof deployment>;
    expect(out.spec.template.spec.tolerations).toEqual([{ key: 'k3', operator: 'Exists' }]);
    expect(containersOf(out)).toEqual([{ name: 'web', image: 'x', args: ['c'] }]);
  });

  it('volumes merge by name and keep only $retainKeys (emptyDir becomes hostPath)', () => {
    const doc = deployment([{ name: 'web', image: 'x' }], { volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'c' } }] });
    const patch = podSpecPatch({ volumes: [{ name: 'data', $retainKeys: ['hostPath', 'name'], hostPath: { path: '/srv' } }] });
    const out = strategicMergePatch('Deployment', doc, patch) as ReturnType<typeof deployment>;
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'data', hostPath: { path: '/srv' } }, { name: 'cfg', configMap: { name: 'c' } }]);
  });

  it('a Deployment strategy switched to Recreate loses rollingUpdate ($retainKeys)', () => {
    const doc = { kind: 'Deployment', spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
    const out = strategicMergePatch('Deployment', doc, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
    expect(out.spec).toEqual({ strategy: { type: 'Recreate' } });
  });

  it('$setElementOrder keeps server-only elements after the one they followed', () => {
    const doc = deployment([{ name: 'a', image: 'a' }, { name: 'injected', image: 'i' }, { name: 'b', image: 'b' }]);
    const patch = podSpecPatch({ '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] });
    expect((containersOf(strategicMergePatch('Deployment', doc, patch)) as { name: string }[]).map((c) => c.name)).toEqual(['b', 'a', 'injected']);
  });

  it('metadata: $patch replace on a map, null deletes, finalizers as a set, ownerReferences by uid', () => {
    const doc = { kind: 'Pod', metadata: { labels: { a: '1', b: '2' }, annotations: { x: '1', y: '2' }, finalizers: ['f1', 'f2'], ownerReferences: [{ uid: 'u1', name: 'rs' }] } };
    const out = strategicMergePatch('Pod', doc, {
      metadata: {
        labels: { $patch: 'replace', c: '3' },
        annotations: { x: null },
        finalizers: ['f3', 'f1'],
        '$deleteFromPrimitiveList/finalizers': ['f2'],
        ownerReferences: [{ uid: 'u1', controller: true }],
      },
    });
    expect(out.metadata).toEqual({ labels: { c: '3' }, annotations: { y: '2' }, finalizers: ['f1', 'f3'], ownerReferences: [{ uid: 'u1', name: 'rs', controller: true }] });
  });

  it('a list-level $patch: replace replaces the list; a map-level delete removes the map', () => {
    const doc = deployment([{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }], { nodeSelector: { disk: 'ssd' } });
    const out = strategicMergePatch('Deployment', doc, podSpecPatch({ containers: [{ $patch: 'replace' }, { name: 'z', image: 'z' }], nodeSelector: { $patch: 'delete' } }));
    expect(out.spec).toMatchObject({ template: { spec: { containers: [{ name: 'z', image: 'z' }] } } });
    expect((out as ReturnType<typeof deployment>).spec.template.spec).not.toHaveProperty('nodeSelector');
  });

  it('names the element at fault when a merge key is missing', () => {
    expect(() => strategicMergePatch('Deployment', deployment([]), podSpecPatch({ containers: [{ image: 'x' }] }))).toThrow('spec.template.spec.containers[0]: "name" is required: the list merges by name');
    expect(() => strategicMergePatch('Pod', {}, [])).toThrow(/must be a JSON object/);
  });

  it('without lists or directives it is exactly a JSON merge patch', () => {
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.constantFrom(null, 1, 'x', true), fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('v'), { maxKeys: 3 })),
    })).v;
    const object = fc.dictionary(fc.constantFrom('a', 'b', 'metadata', 'spec'), value, { maxKeys: 4 });
    fc.assert(
      fc.property(object, object, (doc, patch) => {
        expect(strategicMergePatch('ConfigMap', doc, patch)).toEqual(mergePatch(doc, patch));
      }),
      { numRuns: 200 },
    );
  });
});
