import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Node } from '../../shared/node.js';
import { networkClaims } from '../network/claims.js';
import { defaultNetworkSettings } from '../network/settings.js';
import { openStore } from '../store/store.js';
import { startControllers } from './manager.js';
import { testCluster, type TestCluster } from './testing/cluster.js';

let c: TestCluster;
afterEach(() => c?.stop());

const addNode = (name: string) => c.store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {} });
const rangeOf = (name: string) => (c.store.get('Node', '', name) as Node | undefined)?.spec;

describe('node pod ranges', () => {
  it('gives each node its own /24 as it registers, kept in podCIDR and podCIDRs', async () => {
    c = testCluster();
    addNode('a');
    addNode('b');
    await c.settle();
    expect(rangeOf('a')).toEqual({ podCIDR: '10.42.0.0/24', podCIDRs: ['10.42.0.0/24'] });
    expect(rangeOf('b')).toEqual({ podCIDR: '10.42.1.0/24', podCIDRs: ['10.42.1.0/24'] });
  });

  it('an exhausted range is a Warning Event on the node, and a node deleted frees its range for it', async () => {
    c = testCluster({ network: { ...defaultNetworkSettings, clusterCIDR: '10.42.0.0/23' } });
    for (const n of ['a', 'b', 'c']) addNode(n);
    await c.settle();
    expect(rangeOf('c')?.podCIDR).toBeUndefined();
    expect(c.events.filter((e) => e.name === 'c')).toEqual([{ kind: 'Node', name: 'c', type: 'Warning', reason: 'CIDRNotAvailable', message: 'Node c status is now: CIDRNotAvailable' }]);
    // Told once, not at every change of the node.
    const n = c.store.get('Node', '', 'c')!;
    c.store.update({ ...n, metadata: { ...n.metadata, labels: { x: 'y' } } });
    await c.settle();
    expect(c.events.filter((e) => e.name === 'c')).toHaveLength(1);

    const freed = rangeOf('a')!.podCIDR;
    c.store.delete('Node', '', 'a');
    await c.settle();
    expect(rangeOf('c')?.podCIDR).toBe(freed);
  });

  it('never gives one range to two nodes, even when a write tries', async () => {
    c = testCluster();
    addNode('a');
    await c.settle();
    const b = c.store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'b' }, spec: {} });
    expect(() => c.store.update({ ...b, spec: { podCIDR: '10.42.0.0/24', podCIDRs: ['10.42.0.0/24'] } })).toThrow('already allocated to Node a');
    await c.settle();
    expect(rangeOf('b')?.podCIDR).toBe('10.42.1.0/24');
  });

  it('keeps each node\'s range across a server restart (a real database file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kedge-ipam-'));
    try {
      const run = async (nodes: string[]) => {
        const store = openStore(join(dir, 'state.db'), { claims: networkClaims });
        const controllers = startControllers({ store, publish: async () => {}, log: () => {}, resyncMs: 3_600_000 });
        for (const n of nodes) store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: n }, spec: {} });
        await controllers.idle();
        const ranges = Object.fromEntries((store.list('Node').items as Node[]).map((n) => [n.metadata.name, n.spec?.podCIDR]));
        controllers.stop();
        store.close();
        return ranges;
      };
      const first = await run(['a', 'b']);
      const second = await run(['c']);
      expect(second.a).toBe(first.a);
      expect(second.b).toBe(first.b);
      expect(new Set(Object.values(second)).size).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
