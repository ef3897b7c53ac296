import { describe, expect, it } from 'vitest';
import { KedgeError } from '../../../shared/errors.js';
import type { KObject } from '../../../shared/meta.js';
import { applyAll, applyObject } from './apply.js';
import { lastAppliedAnnotation } from './apply-plan.js';
import { manifestObjects } from '../../manifest/manifest.js';
import { memoryClient } from '../../connection/testing/memory-client.js';

const hello = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
  labels: {app: hello}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: hello}}
  template:
    metadata: {labels: {app: hello}}
    spec:
      containers: [{name: hello, image: busybox:test}]
---
apiVersion: v1
kind: Namespace
metadata: {name: edge}
`;
const objects = (text: string) => manifestObjects([{ name: 'hello.yaml', text }], { namespace: 'default', explicit: false });
// The API server fills defaults; "unchanged" must still be detected.
const withDefaults = (o: KObject): KObject => (o.kind === 'Deployment' ? { ...o, spec: { strategy: { type: 'RollingUpdate' }, ...(o.spec as object) } } : o);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

describe('applyAll', () => {
  it('prints created, then unchanged, then configured, like kubectl', async () => {
    const client = memoryClient({ defaults: withDefaults });
    const first = capture();
    expect(await applyAll(client, objects(hello(3)), first.io)).toBe(0);
    expect(first.out.join('')).toBe('deployment.apps/hello created\nnamespace/edge created\n');

    const second = capture();
    expect(await applyAll(client, objects(hello(3)), second.io)).toBe(0);
    expect(second.out.join('')).toBe('deployment.apps/hello unchanged\nnamespace/edge unchanged\n');

    const third = capture();
    expect(await applyAll(client, objects(hello(5)), third.io)).toBe(0);
    expect(third.out.join('')).toBe('deployment.apps/hello configured\nnamespace/edge unchanged\n');

    const stored = await client.get<KObject>('Deployment', 'default', 'hello');
    expect(stored.spec).toMatchObject({ replicas: 5, strategy: { type: 'RollingUpdate' } });
    expect(JSON.parse(stored.metadata.annotations![lastAppliedAnnotation]!).spec.replicas).toBe(5);
  });

  it('warns about fields kedge ignores', async () => {
    const c = capture();
    const text = hello(1).replace('image: busybox:test}', 'image: busybox:test, stdinOnce: true}');
    await applyAll(memoryClient(), objects(text), c.io);
    expect(c.err.join('')).toContain('Warning: hello.yaml:1: deployment.apps/hello: unknown field "spec.template.spec.containers[0].stdinOnce" ignored');
  });

  it('reports a rejected object, carries on with the rest and exits 1', async () => {
    const client = memoryClient();
    const rejecting = { ...client, create: async <T extends KObject>(o: T): Promise<T> => (o.kind === 'Deployment' ? Promise.reject(new KedgeError('Invalid', 'spec.replicas: too many')) : client.create(o)) };
    const c = capture();
    expect(await applyAll(rejecting, objects(hello(3)), c.io)).toBe(1);
    expect(c.err.join('')).toBe('error: hello.yaml:1: deployment.apps/hello: spec.replicas: too many\n');
    expect(c.out.join('')).toBe('namespace/edge created\n');
  });

  it('stops at once when the server is unreachable', async () => {
    const down = { ...memoryClient(), get: async () => Promise.reject(new KedgeError('ServiceUnavailable', 'cannot reach the kedge server')) };
    await expect(applyAll(down, objects(hello(3)), capture().io)).rejects.toThrow('cannot reach the kedge server');
  });
});

describe('applyObject', () => {
  it('retries once on a 409 Conflict, against the fresh object', async () => {
    const client = memoryClient();
    const [deploy] = objects(hello(3));
    await applyObject(client, deploy!);
    const [changed] = objects(hello(4));
    let raced = false;
    const racing = {
      ...client,
      // Someone else writes between our read and our update, once.
      get: async <T>(kind: Parameters<typeof client.get>[0], ns: string | undefined, name: string): Promise<T> => {
        const o = await client.get<KObject>(kind, ns, name);
        if (!raced) {
          raced = true;
          client.put({ ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, other: 'writer' } } });
        }
        return o as T;
      },
    };
    expect(await applyObject(racing, changed!)).toBe('configured');
    expect(client.calls.filter((c) => c.startsWith('update'))).toHaveLength(2);
    const stored = await client.get<KObject>('Deployment', 'default', 'hello');
    expect(stored.spec).toMatchObject({ replicas: 4 });
    expect(stored.metadata.annotations).toMatchObject({ other: 'writer' });
  });

  it('gives up after the second conflict', async () => {
    const client = memoryClient();
    const [deploy] = objects(hello(3));
    await applyObject(client, deploy!);
    const always = { ...client, update: async () => Promise.reject(new KedgeError('Conflict', 'the object has been modified')) };
    await expect(applyObject(always, objects(hello(9))[0]!)).rejects.toThrow('the object has been modified');
  });

  it('falls back to an update when someone created the object first', async () => {
    const client = memoryClient();
    const [deploy] = objects(hello(3));
    let first = true;
    const racing = {
      ...client,
      get: async <T>(kind: Parameters<typeof client.get>[0], ns: string | undefined, name: string): Promise<T> => {
        if (first) {
          first = false;
          await client.create({ ...deploy!.object, spec: { ...(deploy!.object.spec as object), replicas: 1 } });
          throw new KedgeError('NotFound', 'not yet');
        }
        return client.get<T>(kind, ns, name);
      },
    };
    expect(await applyObject(racing, deploy!)).toBe('configured');
    expect((await client.get<KObject>('Deployment', 'default', 'hello')).spec).toMatchObject({ replicas: 3 });
  });
});
