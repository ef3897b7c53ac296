import { describe, expect, it } from 'vitest';
import type { Pod } from '../../shared/pod.js';
import type { ReplicaSet } from '../../shared/replicaset.js';
import { deletionOrder, planReplicaSet } from './replicaset-plan.js';
import { seededRandom } from './testing/cluster.js';

const now = new Date('2026-01-01T00:01:00Z');

const rs: ReplicaSet = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web-abc', namespace: 'default', uid: 'rs-uid', generation: 2 },
  spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': 'abc' } }, template: { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'c', image: 'web:v1' }] } } },
};

function pod(name: string, o: { node?: string; phase?: NonNullable<Pod['status']>['phase']; ready?: string; created?: string; owner?: boolean; labels?: Record<string, string> } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      creationTimestamp: o.created ?? '2026-01-01T00:00:00Z',
      labels: o.labels ?? { app: 'web', 'pod-template-hash': 'abc' },
      ...(o.owner === false ? {} : { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-uid', controller: true }] }),
    },
    spec: { nodeName: o.node, containers: [{ name: 'c', image: 'web:v1' }] },
    status: { phase: o.phase ?? 'Running', conditions: o.ready ? [{ type: 'Ready', status: 'True', lastTransitionTime: o.ready }] : [] },
  };
}

describe('planReplicaSet', () => {
  it('creates the missing pods from the template, named <rs>-<5 random>, controlled by the ReplicaSet', () => {
    const p = planReplicaSet(rs, [pod('web-abc-1', { node: 'a', ready: '2026-01-01T00:00:00Z' })], [], now, seededRandom());
    expect(p.create).toHaveLength(2);
    for (const c of p.create) {
      expect(c.metadata.name).toMatch(/^web-abc-[a-z0-9]{5}$/);
      expect(c.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': 'abc' });
      expect(c.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }]);
      expect(c.spec.nodeName).toBeUndefined();
    }
    expect(p.status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 });
  });

  it('removes surplus pods, unscheduled and unready ones first, then the newest', () => {
    const owned = [
      pod('ready-old', { node: 'a', ready: '2026-01-01T00:00:00Z', created: '2026-01-01T00:00:00Z' }),
      pod('ready-new', { node: 'a', ready: '2026-01-01T00:00:30Z', created: '2026-01-01T00:00:20Z' }),
      pod('unready', { node: 'a' }),
      pod('pending', { phase: 'Pending' }),
      pod('ready-mid', { node: 'b', ready: '2026-01-01T00:00:10Z', created: '2026-01-01T00:00:10Z' }),
    ];
    const p = planReplicaSet({ ...rs, spec: { ...rs.spec, replicas: 1 } }, owned, [], now);
    expect(p.delete.map((x) => x.metadata.name)).toEqual(['pending', 'unready', 'ready-new', 'ready-mid']);
    expect(deletionOrder(owned).at(-1)?.metadata.name).toBe('ready-old');
  });

  it('replaces finished pods and adopts matching orphans', () => {
    const owned = [pod('done', { node: 'a', phase: 'Failed' })];
    const orphans = [pod('stray', { node: 'a', owner: false }), pod('other', { node: 'a', owner: false, labels: { app: 'db' } })];
    const p = planReplicaSet(rs, owned, orphans, now, seededRandom());
    expect(p.delete.map((x) => x.metadata.name)).toEqual(['done']);
    expect(p.adopt.map((x) => x.metadata.name)).toEqual(['stray']);
    expect(p.adopt[0]!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', uid: 'rs-uid', controller: true });
    expect(p.create).toHaveLength(2);
  });

  it('counts availability after minReadySeconds and says when to look again', () => {
    const p = planReplicaSet({ ...rs, spec: { ...rs.spec, replicas: 2, minReadySeconds: 30 } }, [pod('a', { node: 'a', ready: '2026-01-01T00:00:00Z' }), pod('b', { node: 'a', ready: '2026-01-01T00:00:50Z' })], [], now);
    expect(p.status.availableReplicas).toBe(1);
    expect(p.requeueAfterMs).toBe(20_000);
  });
});
