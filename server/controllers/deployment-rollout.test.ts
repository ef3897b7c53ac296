import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../shared/deployment.js';
import type { ReplicaSet } from '../../shared/replicaset.js';
import { recreateStep, rollingStep, type RsView } from './deployment-rollout.js';
import { deploymentOf } from './testing/cluster.js';

function rs(name: string, created: string): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, creationTimestamp: created },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'c', image: 'x' }] } } },
  };
}

/** A view: `replicas` asked, `pods` existing, `available` of them available. */
function v(name: string, replicas: number, pods = replicas, available = pods, created = `2026-01-01T00:00:0${name.length}Z`): RsView {
  return { rs: rs(name, created), replicas, pods: { replicas: pods, ready: available, available, present: pods } };
}

const rolling = (replicas: number, maxSurge: number | string, maxUnavailable: number | string): Deployment =>
  deploymentOf({ replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } });

describe('rollingStep (one step of a RollingUpdate)', () => {
  // [deployment, new view, old views] → [new replicas, old replicas…]
  const table: [string, Deployment, RsView, RsView[], number[]][] = [
    ['3/surge 1/unavail 0: the first step adds one new pod', rolling(3, 1, 0), v('new', 0), [v('o', 3)], [1, 3]],
    ['3/1/0: no scale-down while the new pod is not available', rolling(3, 1, 0), v('new', 1, 1, 0), [v('o', 3)], [1, 3]],
    ['3/1/0: one old pod goes once the new one is available', rolling(3, 1, 0), v('new', 1, 1, 1), [v('o', 3)], [1, 2]],
    ['3/1/0: then the next new pod', rolling(3, 1, 0), v('new', 1, 1, 1), [v('o', 2)], [2, 2]],
    ['3/1/0: the last old pod goes when all new are available', rolling(3, 1, 0), v('new', 3, 3, 3), [v('o', 1)], [3, 0]],
    ['3/0/1: without surge an old pod goes first', rolling(3, 0, 1), v('new', 0), [v('o', 3)], [0, 2]],
    ['3/0/1: then the new one is added', rolling(3, 0, 1), v('new', 0), [v('o', 2)], [1, 2]],
    ['4/25%/25%: surge 1, unavailable 1', rolling(4, '25%', '25%'), v('new', 0), [v('o', 4)], [1, 4]],
    ['10/3/2: surge up to 13 pods at once', rolling(10, 3, 2), v('new', 0), [v('o', 10)], [3, 10]],
    ['10/3/2: then down to 8 available', rolling(10, 3, 2), v('new', 3, 3, 0), [v('o', 10)], [3, 8]],
    ['unhealthy old pods go first, though no available one may', rolling(3, 1, 1), v('new', 1, 1, 0), [v('o', 3, 3, 1)], [1, 2]],
    ['with maxUnavailable 0 not even unhealthy old pods go before new ones are available', rolling(3, 1, 0), v('new', 1, 1, 0), [v('o', 3, 3, 1)], [1, 3]],
    ['older ReplicaSets shrink first', rolling(2, 0, 1), v('new', 0), [v('ooo', 1, 1, 1, '2026-01-01T00:00:09Z'), v('o', 1, 1, 1, '2026-01-01T00:00:01Z')], [0, 1, 0]],
    ['scaling down mid-way trims the new ReplicaSet first', rolling(2, 1, 0), v('new', 3, 3, 3), [v('o', 1)], [2, 1]],
    ['a finished rollout changes nothing', rolling(3, 1, 0), v('new', 3), [v('o', 0, 0, 0)], [3, 0]],
  ];
  it.each(table)('%s', (_name, d, newRs, olds, want) => {
    rollingStep(d, newRs, olds);
    expect([newRs.replicas, ...olds.map((o) => o.replicas)]).toEqual(want);
  });

  it('replicas 3, maxSurge 1, maxUnavailable 0: never fewer than 3 available nor more than 4 pods, to the end', () => {
    const d = rolling(3, 1, 0);
    const newRs = v('new', 0, 0, 0);
    const old = v('o', 3);
    // A world where pods follow replicas at once and a new pod becomes available one tick later.
    for (let tick = 0; tick < 30 && !(newRs.pods.available === 3 && old.replicas === 0); tick++) {
      rollingStep(d, newRs, [old]);
      for (const x of [newRs, old]) {
        x.pods.available = Math.min(x.pods.available, x.replicas);
        x.pods.replicas = x.replicas;
      }
      expect(newRs.pods.replicas + old.pods.replicas).toBeLessThanOrEqual(4);
      expect(newRs.pods.available + old.pods.available).toBeGreaterThanOrEqual(3);
      if (newRs.pods.available < newRs.pods.replicas) newRs.pods.available++;
    }
    expect([newRs.replicas, old.replicas, newRs.pods.available]).toEqual([3, 0, 3]);
  });
});

describe('recreateStep', () => {
  const d = deploymentOf({ replicas: 2, strategy: { type: 'Recreate' } });
  it('scales every old ReplicaSet to 0 first', () => {
    const olds = [v('a', 2), v('b', 1)];
    expect(recreateStep(d, undefined, olds)).toBe('scaling-down');
    expect(olds.map((o) => o.replicas)).toEqual([0, 0]);
  });
  it('waits while old pods are still there, terminating ones included', () => {
    const old = v('a', 0, 0, 0);
    old.pods.present = 1;
    const n = v('new', 0, 0, 0);
    expect(recreateStep(d, n, [old])).toBe('waiting-for-old-pods');
    expect(n.replicas).toBe(0);
  });
  it('then brings the new ReplicaSet to replicas', () => {
    const n = v('new', 0, 0, 0);
    expect(recreateStep(d, n, [v('a', 0, 0, 0)])).toBe('scaling-up');
    expect(n.replicas).toBe(2);
    expect(recreateStep(d, n, [])).toBe('done');
    expect(recreateStep(d, undefined, [])).toBe('scaling-up');
  });
});
