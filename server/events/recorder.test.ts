import { afterEach, describe, expect, it } from 'vitest';
import type { KEvent } from '../../shared/event.js';
import type { Pod } from '../../shared/pod.js';
import { ensureSystemNamespaces } from '../api/namespaces.js';
import { openStore } from '../store/store.js';
import { createEventRecorder, refOf, type EventRecorder } from './recorder.js';

/** A fake clock with timers that fire when the clock passes them. */
function fakeTime(start = Date.parse('2026-01-01T00:00:00Z')) {
  let t = start;
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => new Date(t),
    setTimer: (fn: () => void, ms: number) => {
      const id = ++nextId;
      timers.set(id, { at: t + ms, fn });
      return id;
    },
    clearTimer: (id: unknown) => void timers.delete(id as number),
    advance(ms: number) {
      const end = t + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        t = due[1].at;
        due[1].fn();
      }
      t = end;
    },
    pending: () => timers.size,
  };
}

function setup(o: { maxEvents?: number } = {}) {
  const store = openStore(':memory:');
  ensureSystemNamespaces(store);
  store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  const time = fakeTime();
  let writes = 0;
  store.watch((e) => {
    if (e.object.kind === 'Event') writes++;
  });
  const recorder = createEventRecorder({ store, now: time.now, setTimer: time.setTimer, clearTimer: time.clearTimer, throttleMs: 10_000, ttlMs: 3_600_000, sweepEveryMs: 60_000, ...o });
  const events = () => store.list('Event').items as KEvent[];
  return { store, time, recorder, events, writes: () => writes };
}

const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop', uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'x' }] } };

let recorders: EventRecorder[] = [];
afterEach(() => {
  recorders.forEach((r) => r.stop());
  recorders = [];
});

describe('event recorder', () => {
  it('creates an Event in the object\'s namespace named <object>.<hex>, with Kubernetes\' fields', () => {
    const { recorder, events } = setup();
    recorders.push(recorder);
    recorder.record(refOf(pod), 'Normal', 'Scheduled', 'Successfully assigned shop/web-1 to edge-1', { component: 'default-scheduler' });
    const [e] = events();
    expect(e!.metadata.name).toMatch(/^web-1\.[0-9a-f]+$/);
    expect(e).toMatchObject({
      metadata: { namespace: 'shop' },
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'shop', uid: 'u1', apiVersion: 'v1' },
      type: 'Normal',
      reason: 'Scheduled',
      source: { component: 'default-scheduler' },
      count: 1,
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:00Z',
    });
  });

  it('cluster-scoped objects get their events in default', () => {
    const { recorder, events } = setup();
    recorders.push(recorder);
    recorder.record({ kind: 'Node', name: 'edge-1', uid: 'n1' }, 'Normal', 'NodeNotReady', 'Node edge-1 status is now: NodeNotReady');
    expect(events()[0]!.metadata.namespace).toBe('default');
  });

  it('repeats bump count; the store sees them at most once per throttle window, the rest is flushed later', () => {
    const { recorder, events, time, writes } = setup();
    recorders.push(recorder);
    const again = () => recorder.record(refOf(pod), 'Warning', 'BackOff', 'Back-off restarting failed container');
    again();
    expect(writes()).toBe(1);
    for (let i = 0; i < 5; i++) {
      time.advance(1_000);
      again();
    }
    expect(writes()).toBe(1);
    expect(events()[0]!.count).toBe(1);
    time.advance(5_000); // 10 s after the first write: the pending count is flushed
    expect(writes()).toBe(2);
    expect(events()[0]).toMatchObject({ count: 6, lastTimestamp: '2026-01-01T00:00:05Z' });
    time.advance(60_000);
    expect(writes()).toBe(2); // nothing new, nothing written
    again();
    expect(writes()).toBe(3); // outside the window: written at once
    expect(events()).toHaveLength(1);
    expect(events()[0]!.count).toBe(7);
  });

  it('different messages, reasons or objects are different events; a counted report adds its count', () => {
    const { recorder, events } = setup();
    recorders.push(recorder);
    recorder.record(refOf(pod), 'Normal', 'Pulled', 'image a');
    recorder.record(refOf(pod), 'Normal', 'Pulled', 'image b');
    recorder.record(refOf(pod, 'spec.containers{c}'), 'Normal', 'Pulled', 'image a');
    expect(events()).toHaveLength(3);
    recorder.record(refOf(pod), 'Normal', 'Pulled', 'image a', { count: 4 });
    recorder.flush();
    expect(events().map((e) => e.count).sort()).toEqual([1, 1, 5]);
  });

  it('recreates an Event deleted meanwhile', () => {
    const { recorder, events, store, time } = setup();
    recorders.push(recorder);
    recorder.record(refOf(pod), 'Normal', 'Killing', 'Stopping container c');
    store.delete('Event', 'shop', events()[0]!.metadata.name!);
    time.advance(20_000);
    recorder.record(refOf(pod), 'Normal', 'Killing', 'Stopping container c');
    expect(events()).toHaveLength(1);
    expect(events()[0]!.count).toBe(2);
  });

  it('deletes events older than the TTL and the oldest beyond the cap', () => {
    const { recorder, events, time } = setup({ maxEvents: 3 });
    recorders.push(recorder);
    recorder.record(refOf(pod), 'Normal', 'Old', 'old');
    time.advance(3_000_000);
    for (const r of ['A', 'B', 'C', 'D']) {
      time.advance(1_000);
      recorder.record(refOf(pod), 'Normal', r, r);
    }
    recorder.sweep();
    expect(events().map((e) => e.reason).sort()).toEqual(['B', 'C', 'D']);
    time.advance(3_660_000); // the periodic sweep runs on its own
    expect(events()).toEqual([]);
  });

  it('records nothing into a namespace that is gone or being deleted (it would never empty)', () => {
    const { store, recorder, events } = setup();
    recorders.push(recorder);
    const shop = store.get('Namespace', '', 'shop')!;
    store.update({ ...shop, metadata: { ...shop.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['example.com/hold'] } });
    recorder.record(refOf(pod), 'Normal', 'Killing', 'Stopping container c');
    recorder.record({ ...refOf(pod), namespace: 'nowhere' }, 'Normal', 'Killing', 'Stopping container c');
    expect(events()).toEqual([]);
    recorder.record({ ...refOf(pod), namespace: 'default' }, 'Normal', 'Killing', 'Stopping container c');
    expect(events()).toHaveLength(1);
  });

  it('never throws: a failing store is logged', () => {
    const logs: string[] = [];
    const store = openStore(':memory:');
    store.close();
    const time = fakeTime();
    const recorder = createEventRecorder({ store, now: time.now, setTimer: time.setTimer, clearTimer: time.clearTimer, log: (m) => logs.push(m) });
    expect(() => recorder.record(refOf(pod), 'Normal', 'Scheduled', 'x')).not.toThrow();
    expect(logs[0]).toMatch(/events: cannot record Scheduled for pod web-1/);
    recorder.stop();
    expect(time.pending()).toBe(0);
  });
});
