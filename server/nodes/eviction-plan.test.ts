import { describe, expect, it } from 'vitest';
import type { Taint } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { makeNode, makePod } from '../scheduler/testing/builders.js';
import { minTolerationSeconds, planEvictions, podsToMarkNotReady } from './eviction-plan.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const unreachable = (at = t0): Taint => ({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: new Date(at).toISOString() });
const pinned = { key: 'node.kubernetes.io/unreachable', operator: 'Exists' as const, effect: 'NoExecute' as const };

function plan(now: number, pods: Pod[], taints: Taint[] = [unreachable()], notBefore?: number) {
  const nodes = [makeNode('down', { ready: false, taints }), makeNode('up')];
  return planEvictions({ nodes, pods, now, defaultTolerationSeconds: 20, notBefore });
}
const names = (p: ReturnType<typeof plan>) => p.evict.map((e) => e.pod.metadata.name).sort();

describe('planEvictions on a fake clock', () => {
  const web = makePod('web', { nodeName: 'down' });
  const quick = makePod('quick', { nodeName: 'down', tolerations: [{ ...pinned, tolerationSeconds: 5 }] });
  const forever = makePod('forever', { nodeName: 'down', tolerations: [pinned] });
  const elsewhere = makePod('elsewhere', { nodeName: 'up' });
  const pods = [web, quick, forever, elsewhere];

  it('counts down from timeAdded with the default, the pod\'s own seconds, or forever', () => {
    expect(names(plan(t0, pods))).toEqual([]);
    expect(plan(t0, pods).nextAt).toBe(t0 + 5_000);
    expect(names(plan(t0 + 4_999, pods))).toEqual([]);
    const at5 = plan(t0 + 5_000, pods);
    expect(names(at5)).toEqual(['quick']);
    expect(at5.evict[0]).toMatchObject({ node: 'down', why: 'expired', taint: { key: 'node.kubernetes.io/unreachable' } });
    expect(at5.nextAt).toBe(t0 + 20_000);
    expect(names(plan(t0 + 19_999, pods))).toEqual(['quick']);
    const at20 = plan(t0 + 20_000, pods);
    expect(names(at20)).toEqual(['quick', 'web']);
    expect(at20.nextAt).toBeUndefined();
    expect(names(plan(t0 + 3_600_000, pods))).toEqual(['quick', 'web']);
  });

  it('evicts at once for a NoExecute taint the pod does not tolerate at all', () => {
    const custom: Taint = { key: 'maintenance', effect: 'NoExecute', timeAdded: new Date(t0).toISOString() };
    const p = plan(t0, [forever, makePod('tolerant', { nodeName: 'down', tolerations: [{ key: 'maintenance', operator: 'Exists', effect: 'NoExecute' }] })], [custom]);
    expect(names(p)).toEqual(['forever']);
    expect(p.evict[0]!.why).toBe('untolerated');
  });

  it('NoSchedule taints and Ready nodes evict nothing', () => {
    expect(plan(t0 + 60_000, pods, [{ key: 'dedicated', effect: 'NoSchedule' }]).evict).toEqual([]);
    expect(plan(t0 + 60_000, pods, []).evict).toEqual([]);
  });

  it('after a server restart the countdown starts no earlier than the restart', () => {
    const restart = t0 + 60_000;
    expect(names(plan(restart, [web], [unreachable()], restart))).toEqual([]);
    expect(plan(restart, [web], [unreachable()], restart).nextAt).toBe(restart + 20_000);
    expect(names(plan(restart + 20_000, [web], [unreachable()], restart))).toEqual(['web']);
  });

  it('a taint without timeAdded counts from now; pods forced out already are skipped, stopping ones are not', () => {
    expect(plan(t0 + 60_000, [web], [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }]).nextAt).toBe(t0 + 80_000);
    const forced = { ...web, metadata: { ...web.metadata, deletionTimestamp: new Date(t0).toISOString(), deletionGracePeriodSeconds: 0, finalizers: ['example.com/hold'] } };
    expect(plan(t0 + 60_000, [forced]).evict).toEqual([]);
    // Its node cannot stop it or say it has: waiting for the grace period would wait forever.
    const stopping = { ...web, metadata: { ...web.metadata, deletionTimestamp: new Date(t0 + 30_000).toISOString(), deletionGracePeriodSeconds: 30 } };
    expect(names(plan(t0 + 60_000, [stopping]))).toEqual(['web']);
  });
});

describe('minTolerationSeconds', () => {
  it('is the shortest, 0 for non-positive, undefined when none is set', () => {
    expect(minTolerationSeconds([{ tolerationSeconds: 30 }, { tolerationSeconds: 10 }, {}])).toBe(10);
    expect(minTolerationSeconds([{ tolerationSeconds: -5 }, { tolerationSeconds: 10 }])).toBe(0);
    expect(minTolerationSeconds([{}, { key: 'x' }])).toBeUndefined();
    expect(minTolerationSeconds([])).toBeUndefined();
  });
});

describe('podsToMarkNotReady', () => {
  it('picks Ready pods on nodes that are not Ready', () => {
    const ready = (p: Pod): Pod => ({ ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    const nodes = [makeNode('down', { ready: false }), makeNode('up')];
    const pods = [ready(makePod('a', { nodeName: 'down' })), makePod('b', { nodeName: 'down' }), ready(makePod('c', { nodeName: 'up' }))];
    expect(podsToMarkNotReady(nodes, pods).map((p) => p.metadata.name)).toEqual(['a']);
  });
});
