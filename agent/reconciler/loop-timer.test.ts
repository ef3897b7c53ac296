import { afterEach, describe, expect, it } from 'vitest';
import type { RuntimeDriver } from '../runtime/driver.js';
import { createFakeDriver } from '../runtime/fake/driver.js';
import { createReconciler, type Reconciler } from './loop.js';
import { testLoopOptions } from './testing/pod-fixtures.js';

const started: Reconciler[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((r) => r.stop()));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A reconciler whose safety-net timer ticks every 5 ms of real time; the clock for "how long since" is fake. */
function setup(stream: { generation?: () => number | null }) {
  let t = 1_700_000_000_000;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  const fake = createFakeDriver({ now: clock.now });
  let lists = 0;
  const driver: RuntimeDriver = {
    ...fake,
    list: (labels) => {
      lists++;
      return fake.list(labels);
    },
    ...(stream.generation ? { exitStreamGeneration: stream.generation } : {}),
  };
  const r = createReconciler({
    ...testLoopOptions(driver, clock.now),
    intervalMs: 5,
    streamedIntervalMs: 60_000,
  });
  r.setDesired([]);
  r.start();
  started.push(r);
  return { clock, r, lists: () => lists };
}

describe('reconciler safety-net timer', () => {
  it('lists on every tick when the driver cannot say its exit stream is live', async () => {
    const { lists } = setup({});
    await sleep(60);
    expect(lists()).toBeGreaterThanOrEqual(4);
  });

  it('skips idle ticks while the same exit stream stays live, and lists again when it is due, restarted or down', async () => {
    let generation: number | null = 1;
    const { clock, r, lists } = setup({ generation: () => generation });
    await r.idle();
    const first = lists();
    expect(first).toBeGreaterThanOrEqual(1);
    await sleep(60);
    expect(lists()).toBe(first);

    clock.advance(60_000);
    await sleep(30);
    await r.idle();
    const due = lists();
    expect(due).toBe(first + 1);

    generation = 2; // the ctr events child was restarted: exits may have been missed in between
    await sleep(30);
    await r.idle();
    expect(lists()).toBe(due + 1);

    generation = null; // no stream at all: every tick lists
    await sleep(60);
    expect(lists()).toBeGreaterThanOrEqual(due + 4);
  });

  it('a pass for another reason (an exit, a new desired state) restarts the wait', async () => {
    const { clock, r, lists } = setup({ generation: () => 7 });
    await r.idle();
    clock.advance(50_000);
    r.trigger('exit');
    await r.idle();
    const after = lists();
    clock.advance(50_000); // 100 s since the first pass, 50 s since the last one
    await sleep(40);
    expect(lists()).toBe(after);
  });
});
