import { describe, expect, it } from 'vitest';
import type { DaemonSet } from '../../shared/daemonset.js';
import type { Deployment } from '../../shared/deployment.js';
import type { DesiredState } from '../../shared/messages.js';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import type { ReplicaSet } from '../../shared/replicaset.js';
import { revisionOf, withoutHashLabel } from '../../shared/revisions.js';
import { openStore } from '../store/store.js';
import { makeNode } from '../scheduler/testing/builders.js';
import { startControllers } from './manager.js';
import { deploymentOf, testCluster, withImage, type TestCluster } from './testing/cluster.js';

const rolling = (maxSurge: number, maxUnavailable: number) => ({ type: 'RollingUpdate' as const, rollingUpdate: { maxSurge, maxUnavailable } });
const replicaSets = (c: TestCluster) => c.store.list('ReplicaSet', { namespace: 'default' }).items as ReplicaSet[];
const deployment = (c: TestCluster) => c.get<Deployment>('Deployment', 'web')!;
const images = (c: TestCluster) => c.pods().map((p) => p.spec.containers[0]!.image).sort();

/** Changes the Deployment as `kedge apply` would (a whole-object update). */
function update(c: TestCluster, change: (d: Deployment) => Deployment) {
  c.store.update(change(deployment(c)));
}

describe('Deployments on an in-memory store with a fake clock', () => {
  it('Deployment → ReplicaSet → pods, spread over ready nodes, each node getting its desired set', async () => {
    const store = openStore(':memory:');
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    const published: { topic: string; msg: DesiredState }[] = [];
    const controllers = startControllers({ store, publish: async (topic, payload) => void published.push({ topic, msg: JSON.parse(payload) as DesiredState }), resyncMs: 3_600_000 });
    for (const n of [makeNode('a'), makeNode('b'), makeNode('down', { ready: false })]) store.create(n);
    store.create(deploymentOf({ replicas: 3 }));
    await controllers.idle();
    const [rs] = store.list('ReplicaSet').items as ReplicaSet[];
    const pods = store.list('Pod').items as Pod[];
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => p.metadata.ownerReferences?.[0]?.uid === rs!.metadata.uid && p.metadata.name!.startsWith(`${rs!.metadata.name}-`))).toBe(true);
    expect(new Set(pods.map((p) => p.spec.nodeName))).toEqual(new Set(['a', 'b']));
    const last = (node: string) => [...published].reverse().find((p) => p.topic === `kedge/v1/nodes/${node}/desired`)?.msg;
    expect((last('a')?.pods.length ?? 0) + (last('b')?.pods.length ?? 0)).toBe(3);
    expect(last('down')?.pods ?? []).toHaveLength(0);
    controllers.stop();
  });

  it('rolling update replicas 3, maxSurge 1, maxUnavailable 0: never fewer than 3 ready, never more than 4 pods', async () => {
    const c = testCluster();
    c.store.create(makeNode('a'));
    c.store.create(makeNode('b'));
    c.store.create(deploymentOf({ replicas: 3, strategy: rolling(1, 0) }));
    await c.converge();
    update(c, (d) => withImage(d, 'web:v2'));
    // The simulated agents make one pod Ready per step; the invariant holds after every step.
    for (let step = 0; step < 20; step++) {
      await c.settle();
      const pods = c.pods();
      expect(pods.filter(c.isReady).length).toBeGreaterThanOrEqual(3);
      expect(pods.length).toBeLessThanOrEqual(4);
      const next = c.unready()[0];
      if (!next) break;
      c.clock.advance(1000);
      c.markReady(next);
    }
    expect(images(c)).toEqual(['web:v2', 'web:v2', 'web:v2']);
    const d = deployment(c);
    expect(d.status).toMatchObject({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 0 });
    expect(d.status?.conditions?.find((x) => x.type === 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(replicaSets(c).map((r) => [revisionOf(r), r.spec.replicas]).sort()).toEqual([[1, 0], [2, 3]]);
    const [rs1, rs2] = [1, 2].map((n) => replicaSets(c).find((r) => revisionOf(r) === n)!.metadata.name);
    const scaling = c.events.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
    expect(scaling).toEqual([
      `Scaled up replica set ${rs1} to 3 from 0`,
      `Scaled up replica set ${rs2} to 1 from 0`,
      `Scaled down replica set ${rs1} to 2 from 3`,
      `Scaled up replica set ${rs2} to 2 from 1`,
      `Scaled down replica set ${rs1} to 1 from 2`,
      `Scaled up replica set ${rs2} to 3 from 2`,
      `Scaled down replica set ${rs1} to 0 from 1`,
    ]);
    expect(c.events.filter((e) => e.kind === 'ReplicaSet' && e.reason === 'SuccessfulCreate')).toHaveLength(6);
    expect(c.events.filter((e) => e.kind === 'ReplicaSet' && e.reason === 'SuccessfulDelete')).toHaveLength(3);
    c.stop();
  });

  it('Recreate: no new pod exists while an old one does', async () => {
    const c = testCluster();
    c.store.create(makeNode('a'));
    c.store.create(deploymentOf({ replicas: 2, strategy: { type: 'Recreate' } }));
    await c.converge();
    const seen: string[][] = [];
    const unwatch = c.store.watch(() => seen.push(images(c)));
    update(c, (d) => withImage(d, 'web:v2'));
    await c.converge();
    unwatch();
    expect(seen.some((s) => s.includes('web:v1') && s.includes('web:v2'))).toBe(false);
    expect(images(c)).toEqual(['web:v2', 'web:v2']);
    c.stop();
  });

  it('rollback (what `rollout undo` writes) brings the old ReplicaSet back as the next revision', async () => {
    const c = testCluster();
    c.store.create(makeNode('a'));
    c.store.create(deploymentOf({ replicas: 2 }));
    await c.converge();
    update(c, (d) => withImage(d, 'web:v2'));
    await c.converge();
    const rs1 = replicaSets(c).find((r) => revisionOf(r) === 1)!;
    update(c, (d) => ({ ...d, spec: { ...d.spec, template: withoutHashLabel(rs1.spec.template) } }));
    await c.converge();
    expect(images(c)).toEqual(['web:v1', 'web:v1']);
    expect(replicaSets(c)).toHaveLength(2);
    const back = replicaSets(c).find((r) => r.metadata.uid === rs1.metadata.uid)!;
    expect([revisionOf(back), back.spec.replicas]).toEqual([3, 2]);
    expect(deployment(c).metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    c.stop();
  });

  it('revisions count up and revisionHistoryLimit keeps that many old ReplicaSets', async () => {
    const c = testCluster();
    c.store.create(makeNode('a'));
    c.store.create(deploymentOf({ replicas: 1, revisionHistoryLimit: 2 }));
    await c.converge();
    for (const v of ['v2', 'v3', 'v4', 'v5']) {
      update(c, (d) => withImage(d, `web:${v}`));
      await c.converge();
    }
    expect(replicaSets(c).map(revisionOf).sort()).toEqual([3, 4, 5]);
    expect(images(c)).toEqual(['web:v5']);
    c.stop();
  });

  it('scaling changes the current ReplicaSet', async () => {
    const c = testCluster();
    c.store.create(makeNode('a'));
    c.store.create(deploymentOf({ replicas: 3 }));
    await c.converge();
    update(c, (d) => ({ ...d, spec: { ...d.spec, replicas: 1 } }));
    await c.converge();
    expect(c.pods()).toHaveLength(1);
    update(c, (d) => ({ ...d, spec: { ...d.spec, replicas: 4 } }));
    await c.converge();
    expect(c.pods()).toHaveLength(4);
    expect(replicaSets(c).map((r) => r.spec.replicas)).toEqual([4]);
    c.stop();
  });

  it('ProgressDeadlineExceeded after progressDeadlineSeconds without progress (fake clock)', async () => {
    const c = testCluster();
    c.store.create(makeNode('a'));
    c.store.create(deploymentOf({ replicas: 1, progressDeadlineSeconds: 30 }));
    await c.settle();
    c.clock.advance(20_000);
    c.controllers.deployment.resync();
    await c.settle();
    expect(deployment(c).status?.conditions?.find((x) => x.type === 'Progressing')?.reason).not.toBe('ProgressDeadlineExceeded');
    c.clock.advance(11_000);
    c.controllers.deployment.resync();
    await c.settle();
    expect(deployment(c).status?.conditions?.find((x) => x.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    c.stop();
  });

  it('deleting a Deployment deletes its ReplicaSets, then their pods (ownerReferences)', async () => {
    const c = testCluster();
    c.store.create(makeNode('a'));
    c.store.create(deploymentOf({ replicas: 2 }));
    await c.converge();
    update(c, (d) => withImage(d, 'web:v2'));
    await c.settle();
    const order: string[] = [];
    c.store.watch((e) => e.type === 'DELETED' && order.push(e.object.kind));
    c.store.delete('Deployment', 'default', 'web');
    await c.settle();
    expect(replicaSets(c)).toHaveLength(0);
    expect(c.pods()).toHaveLength(0);
    expect(order.indexOf('ReplicaSet')).toBeLessThan(order.indexOf('Pod'));
    c.stop();
  });

  it('adopts pods an older kedge made directly for the Deployment, without replacing them', async () => {
    const c = testCluster();
    c.store.create(makeNode('a'));
    c.controllers.stop(); // write the old world first
    const d = c.store.create(deploymentOf({ replicas: 2 })) as Deployment;
    const { templateHash } = await import('./template-hash.js');
    const hash = templateHash(d.spec.template);
    for (const n of ['x1', 'x2']) {
      c.store.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `web-${hash}-${n}`, namespace: 'default', labels: { app: 'web', 'pod-template-hash': hash }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid!, controller: true }] },
        spec: { ...d.spec.template.spec, nodeName: 'a' },
      });
    }
    const c2 = startControllers({ store: c.store, publish: async () => {}, resyncMs: 3_600_000, log: () => {} });
    await c2.idle();
    const pods = c.pods();
    const [rs] = replicaSets(c);
    expect(pods.map((p) => p.metadata.name).sort()).toEqual([`web-${hash}-x1`, `web-${hash}-x2`]);
    expect(pods.every((p) => p.metadata.ownerReferences?.length === 1 && p.metadata.ownerReferences[0]!.uid === rs!.metadata.uid)).toBe(true);
    c2.stop();
  });
});

describe('DaemonSets on an in-memory store', () => {
  const daemonSet = (o: { image?: string; nodeSelector?: Record<string, string> } = {}): DaemonSet => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'collector', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'collector' } }, template: { metadata: { labels: { app: 'collector' } }, spec: { containers: [{ name: 'c', image: o.image ?? 'collector:v1' }], nodeSelector: o.nodeSelector } } },
  });
  const where = (c: TestCluster) => c.pods().map((p) => p.spec.nodeName).sort();
  const relabel = (c: TestCluster, name: string, labels: Record<string, string>) => {
    const n = c.store.get('Node', '', name) as Node;
    c.store.update({ ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, ...labels } } });
  };

  it('follows nodes joining, gaining and losing the label', async () => {
    const c = testCluster();
    c.store.create(makeNode('a', { labels: { sensor: 'yes' } }));
    c.store.create(makeNode('b'));
    c.store.create(daemonSet({ nodeSelector: { sensor: 'yes' } }));
    await c.converge();
    expect(where(c)).toEqual(['a']);
    c.store.create(makeNode('c', { labels: { sensor: 'yes' }, unschedulable: true }));
    await c.converge();
    expect(where(c)).toEqual(['a', 'c']);
    relabel(c, 'b', { sensor: 'yes' });
    await c.converge();
    expect(where(c)).toEqual(['a', 'b', 'c']);
    relabel(c, 'a', { sensor: 'no' });
    await c.converge();
    expect(where(c)).toEqual(['b', 'c']);
    expect(c.get<DaemonSet>('DaemonSet', 'collector')?.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberAvailable: 2, updatedNumberScheduled: 2, numberMisscheduled: 0 });
    c.stop();
  });

  it('rolls a new template out one node at a time (maxUnavailable 1)', async () => {
    const c = testCluster();
    for (const n of ['a', 'b', 'c']) c.store.create(makeNode(n));
    c.store.create(daemonSet());
    await c.converge();
    const ds = c.get<DaemonSet>('DaemonSet', 'collector')!;
    c.store.update({ ...ds, spec: { ...ds.spec, template: { ...ds.spec.template, spec: { ...ds.spec.template.spec, containers: [{ name: 'c', image: 'collector:v2' }] } } } });
    for (let step = 0; step < 20; step++) {
      await c.settle();
      const readyNodes = c.pods().filter(c.isReady).length;
      expect(readyNodes).toBeGreaterThanOrEqual(2);
      const next = c.unready()[0];
      if (!next) break;
      c.markReady(next);
    }
    expect(c.pods().map((p) => p.spec.containers[0]!.image)).toEqual(['collector:v2', 'collector:v2', 'collector:v2']);
    c.stop();
  });
});
