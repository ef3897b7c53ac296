import { describe, expect, it } from 'vitest';
import type { KObject } from '../../shared/meta.js';
import type { Pod } from '../../shared/pod.js';
import { makeNode } from '../scheduler/testing/builders.js';
import { testCluster } from './testing/cluster.js';

const pendingPod = (name: string, cpu = '100m'): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'busybox:1', resources: { requests: { cpu } } }] },
});

describe('scheduling queue', () => {
  it('an unschedulable pod waits for the cluster to change: new pods do not retry it, a new node does', async () => {
    const c = testCluster();
    c.store.create(pendingPod('first'));
    await c.settle();
    const failed = (name: string) => c.events.filter((e) => e.name === name && e.reason === 'FailedScheduling').length;
    expect(failed('first')).toBe(1);
    expect(c.get<Pod>('Pod', 'first')?.status?.conditions?.[0]).toMatchObject({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' });
    // Only the newcomers are tried.
    for (const n of ['second', 'third']) c.store.create(pendingPod(n));
    await c.settle();
    expect([failed('first'), failed('second'), failed('third')]).toEqual([1, 1, 1]);
    // A node arrives: everyone waiting is tried again and bound.
    c.store.create(makeNode('edge-1'));
    await c.settle();
    expect(c.pods().map((p) => p.spec.nodeName)).toEqual(['edge-1', 'edge-1', 'edge-1']);
    c.stop();
  });

  it('with no nodes it does not read the bound pods; a bound pod leaving retries those waiting', async () => {
    const c = testCluster();
    c.store.create(makeNode('small', { cpu: '1' }));
    c.store.create(pendingPod('big-a', '800m'));
    await c.settle();
    c.store.create(pendingPod('big-b', '800m'));
    await c.settle();
    expect(c.get<Pod>('Pod', 'big-a')?.spec.nodeName).toBe('small');
    expect(c.get<Pod>('Pod', 'big-b')?.spec.nodeName).toBeUndefined();
    c.store.delete('Pod', 'default', 'big-a');
    await c.settle();
    expect(c.get<Pod>('Pod', 'big-b')?.spec.nodeName).toBe('small');

    const empty = testCluster();
    let podLists = 0;
    const list = empty.store.list.bind(empty.store);
    empty.store.list = (kind, opts) => {
      if (kind === 'Pod' && !opts?.fields) podLists++;
      return list(kind, opts);
    };
    for (let i = 0; i < 5; i++) empty.store.create(pendingPod(`p${i}`));
    await empty.settle();
    expect(podLists).toBe(0);
    expect(empty.pods().every((p) => p.status?.conditions?.[0]?.reason === 'Unschedulable')).toBe(true);
    c.stop();
    empty.stop();
  });
});
