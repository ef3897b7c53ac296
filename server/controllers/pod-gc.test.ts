import { describe, expect, it } from 'vitest';
import type { Pod } from '../../shared/pod.js';
import { makeNode, makePod } from '../scheduler/testing/builders.js';
import { testCluster } from './testing/cluster.js';

describe('pod garbage collector', () => {
  it('removes the pods of a node that was deleted, Terminating or not; their controllers replace them elsewhere', async () => {
    const c = testCluster({ nodesStopPods: false });
    c.store.create(makeNode('a'));
    c.store.create(makeNode('b'));
    const running = c.store.create({ ...makePod('running', { nodeName: 'a' }), metadata: { name: 'running', namespace: 'default' } }) as Pod;
    const going = c.store.create({ ...makePod('going', { nodeName: 'a' }), metadata: { name: 'going', namespace: 'default' } }) as Pod;
    c.store.create({ ...makePod('elsewhere', { nodeName: 'b' }), metadata: { name: 'elsewhere', namespace: 'default' } });
    c.store.update({ ...going, metadata: { ...going.metadata, deletionTimestamp: '2026-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 } });
    await c.settle();
    expect(c.pods().map((p) => p.metadata.name).sort()).toEqual(['elsewhere', 'going', 'running']);

    c.store.delete('Node', '', 'a');
    await c.settle();
    expect(c.pods().map((p) => p.metadata.name)).toEqual(['elsewhere']);
    expect(c.store.get('Pod', 'default', running.metadata.name!)).toBeUndefined();
    c.stop();
  });
});
