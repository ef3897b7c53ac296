import { describe, expect, it } from 'vitest';
import { nodeEventsSchema, type NodeEvents } from '../../shared/messages.js';
import { createFakeTimers } from '../probes/testing/fake-timers.js';
import { createEventBatcher } from './batcher.js';
import { podEvents } from './wording.js';

const pod = { namespace: 'default', name: 'web-abc', uid: 'u-1' };

function setup(o: { online?: () => boolean; maxPending?: number } = {}) {
  const t = createFakeTimers(Date.UTC(2024, 0, 1));
  const sent: NodeEvents[] = [];
  const b = createEventBatcher({
    node: 'edge-1',
    timers: t.deps,
    batchMs: 1000,
    repeatMs: 60_000,
    maxPending: o.maxPending,
    publish: (batch) => {
      if (o.online && !o.online()) return false;
      expect(nodeEventsSchema.safeParse(batch).success).toBe(true);
      sent.push(batch);
      return true;
    },
  });
  return { t, b, sent, events: () => sent.flatMap((m) => m.events) };
}

describe('event batcher', () => {
  it('sends new events together within a second, with Kubernetes wording and fieldPath', async () => {
    const { t, b, sent } = setup();
    b.emit(podEvents.pulling(pod, 'web', 'docker.io/library/busybox:1.36'));
    b.emit(podEvents.created(pod, 'web'));
    b.emit(podEvents.started(pod, 'web'));
    await t.advance(999);
    expect(sent).toEqual([]);
    await t.advance(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.events.map((e) => [e.reason, e.message, e.fieldPath, e.count])).toEqual([
      ['Pulling', 'Pulling image "docker.io/library/busybox:1.36"', 'spec.containers{web}', 1],
      ['Created', 'Created container web', 'spec.containers{web}', 1],
      ['Started', 'Started container web', 'spec.containers{web}', 1],
    ]);
  });

  it('a crash loop is counted, not flooded: one message per repeat window per event', async () => {
    const { t, b, events } = setup();
    for (let i = 0; i < 30; i++) {
      b.emit(podEvents.backOff(pod, 'web'));
      await t.advance(10_000);
    }
    const backoffs = events().filter((e) => e.reason === 'BackOff');
    expect(backoffs[0]!.message).toBe('Back-off restarting failed container web in pod web-abc_default(u-1)');
    expect(backoffs.length).toBeLessThanOrEqual(6); // 300 s of crashing, one per minute
    expect(backoffs[0]!.count).toBe(1); // the first one goes out at once
    await t.advance(60_000);
    expect(events().filter((e) => e.reason === 'BackOff').reduce((n, e) => n + (e.count ?? 1), 0)).toBe(30);
  });

  it('keeps events while offline and sends them on reconnect; bounded', async () => {
    let online = false;
    const { t, b, events } = setup({ online: () => online, maxPending: 3 });
    for (const c of ['a', 'b', 'c', 'd']) b.emit(podEvents.started(pod, c));
    await t.advance(5000);
    expect(events()).toEqual([]);
    expect(b.pending).toBe(3);
    online = true;
    b.flush();
    expect(events().map((e) => e.message)).toEqual(['Started container b', 'Started container c', 'Started container d']);
  });

  it('splits more than 200 events into several messages', async () => {
    const { t, b, sent } = setup();
    for (let i = 0; i < 450; i++) b.emit(podEvents.started({ ...pod, uid: `u-${i}` }, 'web'));
    await t.advance(1000);
    expect(sent.map((m) => m.events.length)).toEqual([200, 200, 50]);
  });
});
