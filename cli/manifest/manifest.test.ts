import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { droppedFields, manifestObjects, manifestRefs, parseDocuments, readManifestSources } from './manifest.js';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
spec:
  replicas: 2
  selector:
    matchLabels: {app: hello}
  template:
    metadata:
      labels: {app: hello}
    spec:
      containers:
        - name: hello
          image: busybox:test
`;
const ns = { namespace: 'default', explicit: false };

describe('parseDocuments', () => {
  it('splits multi-document YAML, skips empty documents and records each line', () => {
    const docs = parseDocuments({ name: 'a.yaml', text: `---\n# nothing\n---\n${deployment}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: edge}\n` });
    expect(docs.map((d) => d.line)).toEqual([4, 20]);
    expect((docs[1]!.value as { kind: string }).kind).toBe('Namespace');
  });

  it('reports a syntax error as FILE:LINE:COL: message', () => {
    expect(() => parseDocuments({ name: 'bad.yaml', text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n' })).toThrow(/^bad\.yaml:\d+:\d+: /);
    expect(() => parseDocuments({ name: 'bad.yaml', text: 'a: 1\nb: c: d\n' })).toThrow('bad.yaml:2:4: Nested mappings are not allowed in compact mappings');
  });

  it('reads JSON too', () => {
    expect(parseDocuments({ name: 'x.json', text: '{"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "a"}}' })[0]!.value).toMatchObject({ kind: 'Namespace' });
  });
});

describe('manifestObjects', () => {
  it('validates, defaults the namespace and drops status', () => {
    const [m] = manifestObjects([{ name: 'hello.yaml', text: deployment + 'status: {replicas: 9}\n' }], { namespace: 'edge', explicit: false });
    expect(m!.info.kind).toBe('Deployment');
    expect(m!.object.metadata.namespace).toBe('edge');
    expect(m!.object).not.toHaveProperty('status');
    expect(m!.where).toBe('hello.yaml:1');
  });

  it('keeps a namespace the manifest sets, but refuses one contradicting --namespace', () => {
    const text = deployment.replace('name: hello\n', 'name: hello\n  namespace: prod\n');
    expect(manifestObjects([{ name: 'h.yaml', text }], ns)[0]!.object.metadata.namespace).toBe('prod');
    expect(() => manifestObjects([{ name: 'h.yaml', text }], { namespace: 'dev', explicit: true })).toThrow('h.yaml:1: the namespace of Deployment "hello" is "prod", not "dev"');
  });

  it('strips the namespace of cluster-scoped kinds', () => {
    const [m] = manifestObjects([{ name: 'n.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: edge, namespace: x}\n' }], ns);
    expect(m!.object.metadata).toEqual({ name: 'edge' });
  });

  it('names the file, line and problem', () => {
    const src = (text: string) => [{ name: 'm.yaml', text }];
    expect(() => manifestObjects(src('kind: Job\napiVersion: batch/v1\nmetadata: {name: x}\n'), ns)).toThrow('m.yaml:1: unknown kind "Job"; kedge serves Namespace, Node, Pod, Deployment');
    expect(() => manifestObjects(src('apiVersion: v1\nmetadata: {name: x}\n'), ns)).toThrow('m.yaml:1: kind is required');
    expect(() => manifestObjects(src(deployment.replace('apps/v1', 'extensions/v1beta1')), ns)).toThrow('m.yaml:1: Deployment needs apiVersion "apps/v1", got "extensions/v1beta1"');
    expect(() => manifestObjects(src(deployment.replace('name: hello\n', 'labels: {}\n')), ns)).toThrow('m.yaml:1: Deployment needs metadata.name');
    expect(() => manifestObjects(src(deployment.replace('image: busybox:test', 'image: ""')), ns)).toThrow(/^m\.yaml:1: Deployment "hello" is invalid: spec\.template\.spec\.containers\[0\]\.image/);
    expect(() => manifestObjects(src('- a\n- b\n'), ns)).toThrow('m.yaml:1: expected an object with apiVersion and kind');
    expect(() => manifestObjects(src('# empty\n'), ns)).toThrow('no objects found in m.yaml');
  });

  it('expands a List', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Namespace, metadata: {name: a}}\n  - {apiVersion: v1, kind: Namespace, metadata: {name: b}}\n';
    expect(manifestObjects([{ name: 'l.yaml', text }], ns).map((m) => m.object.metadata.name)).toEqual(['a', 'b']);
  });

  it('lists fields kedge does not know', () => {
    const text = deployment.replace('image: busybox:test', 'image: busybox:test\n          lifecycle: {preStop: {exec: {command: [x]}}}');
    expect(manifestObjects([{ name: 'p.yaml', text }], ns)[0]!.ignoredFields).toEqual(['spec.template.spec.containers[0].lifecycle']);
  });
});

describe('manifestRefs', () => {
  it('needs only kind and name, not a valid spec', () => {
    const refs = manifestRefs([{ name: 'r.yaml', text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: old}\nspec: {broken: true}\n' }], ns);
    expect(refs.map((r) => [r.info.kind, r.namespace, r.name])).toEqual([['Deployment', 'default', 'old']]);
  });
});

describe('droppedFields', () => {
  it('walks objects and arrays', () => {
    expect(droppedFields({ a: 1, b: { c: 2, d: 3 }, e: [{ f: 1, g: 2 }] }, { a: 1, b: { c: 2 }, e: [{ f: 1 }] })).toEqual(['b.d', 'e[0].g']);
  });
});

describe('readManifestSources', () => {
  it('reads files, directories (yaml, yml, json, sorted) and stdin', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kedge-manifest-'));
    await mkdir(path.join(dir, 'app'));
    await writeFile(path.join(dir, 'app', 'b.yml'), 'b');
    await writeFile(path.join(dir, 'app', 'a.yaml'), 'a');
    await writeFile(path.join(dir, 'app', 'c.json'), 'c');
    await writeFile(path.join(dir, 'app', 'notes.txt'), 'ignored');
    await writeFile(path.join(dir, 'one.yaml'), 'one');
    const srcs = await readManifestSources(['app', 'one.yaml', '-'], dir, async () => 'stdin');
    expect(srcs).toEqual([
      { name: path.join('app', 'a.yaml'), text: 'a' },
      { name: path.join('app', 'b.yml'), text: 'b' },
      { name: path.join('app', 'c.json'), text: 'c' },
      { name: 'one.yaml', text: 'one' },
      { name: '<stdin>', text: 'stdin' },
    ]);
    await expect(readManifestSources(['missing.yaml'], dir, async () => '')).rejects.toThrow('the path "missing.yaml" does not exist');
  });
});
