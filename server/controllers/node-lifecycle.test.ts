import { describe, expect, it } from 'vitest';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import type { InvolvedObject } from '../events/recorder.js';
import { readyCondition, withReady } from '../nodes/status.js';
import { makeNode, makePod } from '../scheduler/testing/builders.js';
import { openStore } from '../store/store.js';
import { createNodeLifecycleController } from './node-lifecycle.js';
import { createSchedulingController } from './scheduling.js';

function setup(podEvictionTimeoutMs = 20_000) {
  const store = openStore(':memory:');
  store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  let t = Date.parse('2026-01-01T00:00:00Z');
  const timers: { at: number; fn: () => void }[] = [];
  const recorded: string[] = [];
  const events = { record: (o: InvolvedObject, type: string, reason: string, message: string) => void recorded.push(`${o.kind}/${o.name} ${type} ${reason}: ${message}`) };
  const deps = {
    store,
    now: () => new Date(t),
    events,
    podEvictionTimeoutMs,
    setTimer: (fn: () => void, ms: number) => {
      const timer = { at: t + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimer: (x: unknown) => {
      const i = timers.indexOf(x as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  const lifecycle = createNodeLifecycleController(deps);
  const scheduler = createSchedulingController(deps);
  const unwatch = store.watch((e) => {
    lifecycle.onEvent(e);
    scheduler.onEvent(e);
  });
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await scheduler.idle();
      await lifecycle.idle();
    }
  };
  /** Moves the fake clock, firing the controller's timers that fall due. */
  const advance = async (ms: number) => {
    t += ms;
    for (const timer of timers.filter((x) => x.at <= t)) {
      timers.splice(timers.indexOf(timer), 1);
      timer.fn();
    }
    await settle();
  };
  const setStatus = (name: string, status: 'True' | 'False' | 'Unknown') => {
    const n = store.get('Node', '', name) as Node;
    store.update(withReady(n, { ...readyCondition(status === 'True', new Date(t)), status }));
  };
  const pods = () => (store.list('Pod').items as Pod[]).map((p) => p.metadata.name).sort();
  const stop = () => {
    unwatch();
    lifecycle.stop();
    scheduler.stop();
  };
  return { store, advance, settle, setStatus, pods, recorded, timers, stop, now: () => t };
}

describe('node lifecycle controller on a fake clock', () => {
  it('evicts after the default, keeps pinned pods forever, and leaves other nodes alone', async () => {
    const c = setup();
    c.store.create(makeNode('edge'));
    c.store.create(makeNode('other'));
    c.store.create({ ...makePod('web', { nodeName: 'edge' }), status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    c.store.create(makePod('quick', { nodeName: 'edge', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] }));
    c.store.create(makePod('pinned', { nodeName: 'edge', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }] }));
    c.store.create(makePod('safe', { nodeName: 'other' }));
    await c.settle();

    c.setStatus('edge', 'Unknown');
    await c.settle();
    const edge = c.store.get('Node', '', 'edge') as Node;
    expect(edge.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoExecute']);
    const web = c.store.get('Pod', 'default', 'web') as Pod;
    expect(web.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('False');
    expect(c.recorded).toContain('Pod/web Warning NodeNotReady: Node is not ready');

    await c.advance(4_000);
    expect(c.pods()).toEqual(['pinned', 'quick', 'safe', 'web']);
    await c.advance(1_100);
    expect(c.pods()).toEqual(['pinned', 'safe', 'web']);
    expect(c.recorded).toContain('Pod/quick Normal TaintManagerEviction: Marking for deletion Pod default/quick');
    await c.advance(14_000);
    expect(c.pods()).toEqual(['pinned', 'safe', 'web']);
    await c.advance(1_000);
    expect(c.pods()).toEqual(['pinned', 'safe']);
    expect(c.timers).toHaveLength(0);
    await c.advance(3_600_000);
    expect(c.pods()).toEqual(['pinned', 'safe']);
    c.stop();
  });

  it('a node back in time cancels the countdown', async () => {
    const c = setup();
    c.store.create(makeNode('edge'));
    c.store.create(makePod('web', { nodeName: 'edge' }));
    c.setStatus('edge', 'Unknown');
    await c.advance(10_000);
    c.setStatus('edge', 'True');
    await c.settle();
    expect((c.store.get('Node', '', 'edge') as Node).spec?.taints).toBeUndefined();
    await c.advance(60_000);
    expect(c.pods()).toEqual(['web']);
    c.stop();
  });

  it('never evicts early although timeAdded is kept to the second', async () => {
    const c = setup();
    c.store.create(makeNode('edge'));
    c.store.create(makePod('web', { nodeName: 'edge' }));
    await c.advance(900);
    c.setStatus('edge', 'Unknown');
    await c.settle();
    expect((c.store.get('Node', '', 'edge') as Node).spec?.taints?.[0]?.timeAdded).toBe('2026-01-01T00:00:00Z');
    await c.advance(19_950);
    expect(c.pods()).toEqual(['web']);
    await c.advance(60);
    expect(c.pods()).toEqual([]);
    c.stop();
  });

  it('Ready=False taints not-ready; the eviction timeout comes from the deps', async () => {
    const c = setup(2_000);
    c.store.create(makeNode('edge'));
    c.store.create(makePod('web', { nodeName: 'edge' }));
    c.setStatus('edge', 'False');
    await c.settle();
    expect((c.store.get('Node', '', 'edge') as Node).spec?.taints?.[0]?.key).toBe('node.kubernetes.io/not-ready');
    await c.advance(1_990);
    expect(c.pods()).toEqual(['web']);
    await c.advance(20);
    expect(c.pods()).toEqual([]);
    c.stop();
  });

  it('a hand-set NoExecute taint without timeAdded counts from when it was first seen', async () => {
    const c = setup();
    const tolerate = (seconds: number) => [{ key: 'example.com/maintenance', operator: 'Exists' as const, effect: 'NoExecute' as const, tolerationSeconds: seconds }];
    c.store.create(makeNode('edge', { taints: [{ key: 'example.com/maintenance', effect: 'NoExecute' }] }));
    c.store.create(makePod('web', { nodeName: 'edge', tolerations: tolerate(20) }));
    c.store.create(makePod('other', { nodeName: 'edge', tolerations: tolerate(30) }));
    c.store.create(makePod('intolerant', { nodeName: 'edge' }));
    await c.settle();
    expect(c.pods()).toEqual(['other', 'web']);
    await c.advance(19_000);
    expect(c.pods()).toEqual(['other', 'web']);
    await c.advance(1_010);
    expect(c.pods()).toEqual(['other']);
    c.stop();
  });

  it('binding adds the default tolerations (unless the pod has its own) and records Scheduled; no room records FailedScheduling', async () => {
    const c = setup(20_000);
    c.store.create(makeNode('edge', { memory: '1Gi' }));
    c.store.create(makePod('web'));
    c.store.create(makePod('pinned', { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }] }));
    c.store.create(makePod('huge', { memory: '2Gi' }));
    await c.settle();
    const web = c.store.get('Pod', 'default', 'web') as Pod;
    expect(web.spec.nodeName).toBe('edge');
    expect(web.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 },
    ]);
    const pinned = c.store.get('Pod', 'default', 'pinned') as Pod;
    expect(pinned.spec.tolerations?.map((t) => `${t.key}:${t.tolerationSeconds ?? '∞'}`)).toEqual(['node.kubernetes.io/unreachable:∞', 'node.kubernetes.io/not-ready:20']);
    expect(c.recorded).toContain('Pod/web Normal Scheduled: Successfully assigned default/web to edge');
    expect(c.recorded).toContain('Pod/huge Warning FailedScheduling: 0/1 nodes are available: 1 Insufficient memory.');
    c.stop();
  });
});
