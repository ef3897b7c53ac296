import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../shared/deployment.js';
import type { Pod } from '../../shared/pod.js';
import type { ReplicaSet } from '../../shared/replicaset.js';
import { revisionOf, withoutHashLabel } from '../../shared/revisions.js';
import { newReplicaSetFor } from './deployment-replicasets.js';
import { planDeployment, type DeploymentPlanInput } from './deployment-plan.js';
import { templateHash } from './template-hash.js';
import { deploymentOf, withImage } from './testing/cluster.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(t0 + s * 1000);

function stored(d: Deployment, generation = 1): Deployment {
  return { ...d, metadata: { ...d.metadata, uid: 'd-uid', generation, creationTimestamp: '2026-01-01T00:00:00Z' } };
}

let rsCount = 0;
function rsOf(d: Deployment, revision: number, replicas: number): ReplicaSet {
  const rs = newReplicaSetFor(d, templateHash(d.spec.template), String(revision));
  rsCount++;
  return { ...rs, metadata: { ...rs.metadata, uid: `rs-${rsCount}`, creationTimestamp: `2026-01-01T00:00:${String(rsCount).padStart(2, '0')}Z` }, spec: { ...rs.spec, replicas } };
}

function podsOf(rs: ReplicaSet, n: number, o: { ready?: boolean; readyAt?: number } = {}): Pod[] {
  return Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1' as const,
    kind: 'Pod' as const,
    metadata: { name: `${rs.metadata.name}-${i}`, namespace: 'default', labels: rs.spec.template.metadata?.labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name!, uid: rs.metadata.uid!, controller: true }] },
    spec: { ...rs.spec.template.spec, nodeName: 'a' },
    status: { phase: 'Running' as const, conditions: [{ type: 'Ready', status: (o.ready ?? true) ? ('True' as const) : ('False' as const), lastTransitionTime: at(o.readyAt ?? 0).toISOString() }] },
  }));
}

const plan = (i: Partial<DeploymentPlanInput> & { d: Deployment }) => planDeployment({ replicaSets: [], pods: [], now: at(0), ...i });

describe('planDeployment', () => {
  it('creates the first ReplicaSet, named and labelled with the template hash, owned by the Deployment, revision 1', () => {
    const d = stored(deploymentOf({ replicas: 3 }));
    const p = plan({ d });
    const hash = templateHash(d.spec.template);
    const rs = p.createReplicaSet!;
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true, blockOwnerDeletion: true }]);
    expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec.template.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec.replicas).toBe(3);
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(p.revision).toBe('1');
    expect(p.status.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetCreated' });
  });

  it('a new template gets revision max+1 and the Deployment change-cause; the old ReplicaSet stays until the new one is up', () => {
    const v1 = stored(deploymentOf({ replicas: 2 }));
    const old = rsOf(v1, 1, 2);
    const d = stored({ ...withImage(v1, 'web:v2'), metadata: { ...v1.metadata, annotations: { 'kubernetes.io/change-cause': 'v2 please' } } }, 2);
    const p = plan({ d, replicaSets: [old], pods: podsOf(old, 2) });
    expect(p.createReplicaSet?.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '2', 'kubernetes.io/change-cause': 'v2 please' });
    expect(p.createReplicaSet?.spec.replicas).toBe(1); // 25% surge of 2, rounded up
    expect(p.updateReplicaSets.find((r) => r.metadata.name === old.metadata.name)?.spec.replicas ?? 2).toBe(2);
    expect(p.revision).toBe('2');
  });

  it('rolling back reuses the old ReplicaSet and moves it to the next revision, remembering the old one', () => {
    const v1 = stored(deploymentOf({ replicas: 2 }));
    const rs1 = rsOf(v1, 1, 0);
    const rs2 = rsOf(stored(withImage(v1, 'web:v2')), 2, 2);
    // What `rollout undo` writes: rs1's template without the hash label.
    const d = stored({ ...v1, spec: { ...v1.spec, template: withoutHashLabel(rs1.spec.template) } }, 3);
    const p = plan({ d, replicaSets: [rs1, rs2], pods: podsOf(rs2, 2) });
    expect(p.createReplicaSet).toBeUndefined();
    const back = p.updateReplicaSets.find((r) => r.metadata.uid === rs1.metadata.uid)!;
    expect(revisionOf(back)).toBe(3);
    expect(back.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(back.spec.replicas).toBe(1);
    expect(p.revision).toBe('3');
  });

  it('prunes the oldest empty ReplicaSets beyond revisionHistoryLimit once the rollout is complete', () => {
    const base = stored(deploymentOf({ replicas: 1, revisionHistoryLimit: 2 }));
    const olds = [1, 2, 3, 4].map((r) => rsOf(stored(withImage(base, `web:old${r}`)), r, 0));
    const cur = rsOf(base, 5, 1);
    const p = plan({ d: base, replicaSets: [...olds, cur], pods: podsOf(cur, 1) });
    expect(p.deleteReplicaSets.map(revisionOf)).toEqual([1, 2]);
    // Not while an old one still has pods.
    const busy = plan({ d: base, replicaSets: [...olds, cur], pods: [...podsOf(cur, 1), ...podsOf(olds[0]!, 1)] });
    expect(busy.deleteReplicaSets).toEqual([]);
  });

  it('takes over pods an older kedge made directly: current ones move to the new ReplicaSet, others go', () => {
    const d = stored(deploymentOf({ replicas: 2 }));
    const hash = templateHash(d.spec.template);
    const legacy = (name: string, h: string): Pod => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: { app: 'web', 'pod-template-hash': h }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true }] },
      spec: { containers: [{ name: 'web', image: 'web:v1' }] },
    });
    const p = plan({ d, legacyPods: [legacy('web-a', hash), legacy('web-b', hash), legacy('web-old', 'zzzzz')] });
    expect(p.createReplicaSet?.metadata.name).toBe(`web-${hash}`);
    expect(p.adoptPods.map((x) => x.metadata.name)).toEqual(['web-a', 'web-b']);
    expect(p.deletePods.map((x) => x.metadata.name)).toEqual(['web-old']);
  });

  it('reports status and Available from pods, counting minReadySeconds, and looks again when a pod will be available', () => {
    const d = stored(deploymentOf({ replicas: 2, minReadySeconds: 10 }));
    const rs = rsOf(d, 1, 2);
    const pods = [...podsOf(rs, 1, { readyAt: -20 }), ...podsOf({ ...rs, metadata: { ...rs.metadata, name: 'x' } }, 1, { readyAt: -4 })];
    const p = plan({ d, replicaSets: [rs], pods });
    expect(p.status).toMatchObject({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 1, unavailableReplicas: 1 });
    // 25% of 2 rounds down to 0 unavailable allowed.
    expect(p.status.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    expect(p.requeueAfterMs).toBe(6000);
  });

  it('Progressing turns ProgressDeadlineExceeded when nothing moves for progressDeadlineSeconds, and back with progress', () => {
    const d0 = stored(deploymentOf({ replicas: 1, progressDeadlineSeconds: 60 }));
    const rs = rsOf(d0, 1, 1);
    const stuck = podsOf(rs, 1, { ready: false });
    let d = d0;
    const step = (s: number, pods: Pod[]) => {
      const p = plan({ d, replicaSets: [rs], pods, now: at(s) });
      d = { ...d, status: p.status };
      return p;
    };
    const first = step(0, stuck);
    expect(first.status.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    expect(first.requeueAfterMs).toBe(60_000);
    expect(step(30, stuck).requeueAfterMs).toBe(30_000);
    const late = step(61, stuck);
    expect(late.status.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rs.metadata.name}" has timed out progressing.` });
    expect(late.requeueAfterMs).toBeUndefined();
    const ok = step(70, podsOf(rs, 1, { readyAt: 70 }));
    expect(ok.status.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
  });

  it('Recreate: scales old ReplicaSets to 0 and creates the new one only after their pods are gone', () => {
    const v1 = stored(deploymentOf({ replicas: 2, strategy: { type: 'Recreate' } }));
    const old = rsOf(v1, 1, 2);
    const d = stored(withImage(v1, 'web:v2'), 2);
    const down = plan({ d, replicaSets: [old], pods: podsOf(old, 2) });
    expect(down.createReplicaSet).toBeUndefined();
    expect(down.updateReplicaSets.map((r) => r.spec.replicas)).toEqual([0]);
    const waiting = plan({ d, replicaSets: [{ ...old, spec: { ...old.spec, replicas: 0 } }], pods: podsOf(old, 1) });
    expect(waiting.createReplicaSet).toBeUndefined();
    const up = plan({ d, replicaSets: [{ ...old, spec: { ...old.spec, replicas: 0 } }], pods: [] });
    expect(up.createReplicaSet?.spec.replicas).toBe(2);
    expect(up.createReplicaSet?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('paused: no new ReplicaSet for a changed template, scaling still follows', () => {
    const v1 = stored(deploymentOf({ replicas: 2 }));
    const rs = rsOf(v1, 1, 2);
    const d = stored({ ...withImage(v1, 'web:v2'), spec: { ...withImage(v1, 'web:v2').spec, paused: true } }, 2);
    const p = plan({ d, replicaSets: [rs], pods: podsOf(rs, 2) });
    expect(p.createReplicaSet).toBeUndefined();
    expect(p.status.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused' });
    const scaled = plan({ d: stored({ ...v1, spec: { ...v1.spec, replicas: 4, paused: true } }), replicaSets: [rs], pods: podsOf(rs, 2) });
    expect(scaled.updateReplicaSets[0]?.spec.replicas).toBe(4);
  });
});
