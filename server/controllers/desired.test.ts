import { describe, expect, it } from 'vitest';
import type { KObject } from '../../shared/meta.js';
import type { DesiredState } from '../../shared/messages.js';
import type { Pod } from '../../shared/pod.js';
import { openStore } from '../store/store.js';
import { createDesiredPublisher, desiredStateFor } from './desired.js';

function setup() {
  const store = openStore(':memory:');
  store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  const published: DesiredState[] = [];
  const pub = createDesiredPublisher({ store, publish: async (_t, payload) => void published.push(JSON.parse(payload) as DesiredState) });
  const unwatch = store.watch((e) => pub.onEvent(e));
  const last = (node: string) => [...published].reverse().find((m) => m.node === node);
  const done = async () => {
    await pub.idle();
    unwatch();
    pub.stop();
  };
  return { store, pub, published, last, done, idle: () => pub.idle() };
}

const pod = (name: string, node: string, spec: Partial<Pod['spec']> = {}, namespace = 'default'): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox:1' }], ...spec },
});
const secret = (name: string, value: string, namespace = 'default'): KObject =>
  ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace, labels: { a: 'b' } }, type: 'Opaque', data: { v: Buffer.from(value).toString('base64') } }) as KObject;
const configMap = (name: string, value: string): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { v: value } }) as KObject;

describe('desired state per node', () => {
  it('sends a Secret only to nodes running a pod that uses it, by env, envFrom or volume', () => {
    const { store, done } = setup();
    store.create(secret('db', 'pw'));
    store.create(secret('tls', 'cert'));
    store.create(secret('unused', 'x'));
    store.create(secret('db', 'other-ns', 'other'));
    store.create(configMap('cfg', '1'));
    store.create(pod('env', 'a', { containers: [{ name: 'c', image: 'i', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'db', key: 'v' } } }] }] }));
    store.create(pod('vol', 'b', { volumes: [{ name: 'certs', secret: { secretName: 'tls' } }, { name: 'c', configMap: { name: 'cfg' } }] }));
    store.create(pod('from', 'c', { containers: [{ name: 'c', image: 'i', envFrom: [{ secretRef: { name: 'db' } }, { configMapRef: { name: 'missing' } }] }] }));
    store.create(pod('plain', 'd'));
    const names = (node: string) => (desiredStateFor(store, node).secrets ?? []).map((s) => `${s.metadata.namespace}/${s.metadata.name}`);
    expect(names('a')).toEqual(['default/db']);
    expect(names('b')).toEqual(['default/tls']);
    expect(names('c')).toEqual(['default/db']);
    expect(names('d')).toEqual([]);
    expect(desiredStateFor(store, 'd').secrets).toBeUndefined();
    expect(desiredStateFor(store, 'b').configMaps?.map((c) => c.metadata.name)).toEqual(['cfg']);
    expect(desiredStateFor(store, 'c').configMaps).toBeUndefined(); // missing: the agent names it
    const s = desiredStateFor(store, 'a').secrets![0]!;
    expect(s).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default', uid: s.metadata.uid }, type: 'Opaque', data: { v: 'cHc=' } });
    return done();
  });

  it('keeps a pod being deleted, with deletionTimestamp and grace period but no finalizers: its node stops it', async () => {
    const { store, last, done } = setup();
    const p = store.create(pod('web', 'a'));
    store.update({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-01-01T00:00:30Z', deletionGracePeriodSeconds: 30, finalizers: ['example.com/hold'] } });
    const sent = desiredStateFor(store, 'a').pods[0]!;
    expect(sent.metadata).toMatchObject({ name: 'web', deletionTimestamp: '2026-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 });
    expect(sent.metadata).not.toHaveProperty('finalizers');
    await done();
    expect(last('a')?.pods.map((x) => x.metadata.deletionTimestamp)).toEqual(['2026-01-01T00:00:30Z']);
  });

  it('republishes to the using nodes when a referenced Secret changes, and drops it when its pod goes', async () => {
    const { store, published, last, done, idle } = setup();
    store.create(secret('db', 'one'));
    store.create(pod('env', 'a', { containers: [{ name: 'c', image: 'i', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'db', key: 'v' } } }] }] }));
    store.create(pod('plain', 'b'));
    await idle();
    expect(last('a')?.secrets?.[0]?.data?.v).toBe(Buffer.from('one').toString('base64'));
    const before = published.length;
    const cur = store.get('Secret', 'default', 'db')!;
    store.update({ ...cur, data: { v: Buffer.from('two').toString('base64') } } as KObject);
    await idle();
    const after = published.slice(before);
    expect(after.map((m) => m.node)).toEqual(['a']);
    expect(last('a')?.secrets?.[0]?.data?.v).toBe(Buffer.from('two').toString('base64'));
    // An unrelated Secret changing sends nothing.
    store.create(secret('unused', 'x'));
    await idle();
    expect(published.length).toBe(before + 1);
    store.delete('Pod', 'default', 'env');
    await idle();
    expect(last('a')?.pods).toEqual([]);
    expect(last('a')?.secrets).toBeUndefined();
    expect(published.every((m) => m.node !== 'b' || !m.secrets)).toBe(true);
    await done();
  });
});
