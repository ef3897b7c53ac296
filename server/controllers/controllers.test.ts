import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../shared/deployment.js';
import type { DesiredState } from '../../shared/messages.js';
import type { Pod } from '../../shared/pod.js';
import { openStore } from '../store/store.js';
import { makeNode } from '../scheduler/testing.js';
import { startControllers } from './manager.js';

function setup() {
  const store = openStore(':memory:');
  store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  const published: { topic: string; msg: DesiredState }[] = [];
  const controllers = startControllers({
    store,
    publish: async (topic, payload) => {
      published.push({ topic, msg: JSON.parse(payload) as DesiredState });
    },
    resyncMs: 3_600_000,
  });
  return { store, published, controllers };
}

function deployment(replicas: number, image = 'busybox:1'): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image, resources: { requests: { memory: '64Mi' } } }] } },
    },
  };
}

const pods = (store: ReturnType<typeof openStore>) => store.list('Pod', { namespace: 'default' }).items as Pod[];

describe('controllers on an in-memory store', () => {
  it('a Deployment gets its replicas, spread over ready nodes, and each node its desired set', async () => {
    const { store, published, controllers } = setup();
    store.create(makeNode('a'));
    store.create(makeNode('b'));
    store.create(makeNode('down', { ready: false }));
    store.create(deployment(3));
    await controllers.idle();
    const ps = pods(store);
    expect(ps).toHaveLength(3);
    expect(ps.every((p) => p.metadata.ownerReferences?.[0]?.kind === 'Deployment')).toBe(true);
    expect(new Set(ps.map((p) => p.spec.nodeName))).toEqual(new Set(['a', 'b']));
    const last = (node: string) => [...published].reverse().find((p) => p.topic === `kedge/v1/nodes/${node}/desired`)?.msg;
    expect((last('a')?.pods.length ?? 0) + (last('b')?.pods.length ?? 0)).toBe(3);
    expect(last('down')?.pods ?? []).toHaveLength(0);
    const d = store.get('Deployment', 'default', 'web') as Deployment;
    expect(d.status?.replicas).toBe(3);
    expect(d.status?.observedGeneration).toBe(1);
    controllers.stop();
  });

  it('scales down and up, and a changed template replaces the pods', async () => {
    const { store, controllers } = setup();
    store.create(makeNode('a'));
    store.create(deployment(3));
    await controllers.idle();
    const d = store.get('Deployment', 'default', 'web') as Deployment;
    store.update({ ...d, spec: { ...d.spec, replicas: 1 } });
    await controllers.idle();
    expect(pods(store)).toHaveLength(1);
    const before = pods(store)[0]!.metadata.name;
    const d2 = store.get('Deployment', 'default', 'web') as Deployment;
    store.update({ ...d2, spec: { ...d2.spec, template: { ...d2.spec.template, spec: { containers: [{ name: 'web', image: 'busybox:2' }] } } } });
    await controllers.idle();
    const after = pods(store);
    expect(after).toHaveLength(1);
    expect(after[0]!.metadata.name).not.toBe(before);
    expect(after[0]!.spec.containers[0]!.image).toBe('busybox:2');
    controllers.stop();
  });

  it('a pod that fits nowhere stays Pending with a reason', async () => {
    const { store, controllers } = setup();
    store.create(makeNode('small', { memory: '32Mi' }));
    store.create(deployment(1));
    await controllers.idle();
    const [p] = pods(store);
    expect(p!.spec.nodeName).toBeUndefined();
    const cond = p!.status?.conditions?.find((c) => c.type === 'PodScheduled');
    expect(cond?.status).toBe('False');
    expect(cond?.message).toBe('0/1 nodes are available: 1 Insufficient memory.');
    controllers.stop();
  });

  it('deleting a Deployment garbage-collects its pods and empties the desired sets', async () => {
    const { store, published, controllers } = setup();
    store.create(makeNode('a'));
    store.create(deployment(2));
    await controllers.idle();
    store.delete('Deployment', 'default', 'web');
    await controllers.idle();
    expect(pods(store)).toHaveLength(0);
    const last = [...published].reverse().find((p) => p.topic === 'kedge/v1/nodes/a/desired')!.msg;
    expect(last.pods).toHaveLength(0);
    controllers.stop();
  });

  it('pod status updates do not republish the desired set', async () => {
    const { store, published, controllers } = setup();
    store.create(makeNode('a'));
    store.create(deployment(1));
    await controllers.idle();
    const n = published.length;
    const [p] = pods(store);
    store.update({ ...p!, status: { ...p!.status, phase: 'Running' } }, { subresource: 'status' });
    await controllers.idle();
    expect(published.length).toBe(n);
    controllers.stop();
  });
});
