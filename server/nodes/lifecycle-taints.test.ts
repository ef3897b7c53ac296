import { describe, expect, it } from 'vitest';
import type { Node } from '../../shared/node.js';
import { makeNode } from '../scheduler/testing/builders.js';
import { notReadyTaintKey, unreachableTaintKey, withLifecycleTaints } from './lifecycle-taints.js';
import { readyCondition, withReady } from './status.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const later = new Date('2026-01-01T00:05:00Z');
const withStatus = (n: Node, status: 'True' | 'False' | 'Unknown') => withReady(n, { ...readyCondition(status === 'True', t0), status });

describe('withLifecycleTaints', () => {
  it('Unknown gets unreachable:NoExecute with timeAdded, kept on later passes', () => {
    const n = withLifecycleTaints(withStatus(makeNode('a'), 'Unknown'), t0);
    expect(n.spec?.taints).toEqual([{ key: unreachableTaintKey, effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' }]);
    const again = withLifecycleTaints(n, later);
    expect(again).toBe(n);
  });

  it('False gets not-ready instead of unreachable', () => {
    const unknown = withLifecycleTaints(withStatus(makeNode('a'), 'Unknown'), t0);
    const n = withLifecycleTaints(withStatus(unknown, 'False'), later);
    expect(n.spec?.taints).toEqual([{ key: notReadyTaintKey, effect: 'NoExecute', timeAdded: '2026-01-01T00:05:00Z' }]);
  });

  it('Ready removes them and keeps other taints', () => {
    const other = { key: 'dedicated', value: 'cam', effect: 'NoSchedule' as const };
    const down = withLifecycleTaints(withStatus(makeNode('a', { taints: [other] }), 'Unknown'), t0);
    expect(down.spec?.taints).toHaveLength(2);
    const up = withLifecycleTaints(withStatus(down, 'True'), later);
    expect(up.spec?.taints).toEqual([other]);
    const bare = withLifecycleTaints(withStatus(withLifecycleTaints(withStatus(makeNode('b'), 'Unknown'), t0), 'True'), later);
    expect(bare.spec?.taints).toBeUndefined();
  });

  it('a Ready node without lifecycle taints is returned as is; a node that never reported gets none', () => {
    const n = makeNode('a');
    expect(withLifecycleTaints(n, t0)).toBe(n);
    const fresh: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'new' } };
    expect(withLifecycleTaints(fresh, t0)).toBe(fresh);
  });
});
