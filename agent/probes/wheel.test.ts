import { describe, expect, it } from 'vitest';
import { createFakeTimers } from './testing/fake-timers.js';
import { createTimerWheel } from './wheel.js';

describe('timer wheel', () => {
  it('runs callbacks in due order with one timer armed, replacing and cancelling by key', async () => {
    const t = createFakeTimers(0);
    const wheel = createTimerWheel(t.deps, { resolutionMs: 100 });
    const ran: string[] = [];
    for (let i = 0; i < 50; i++) wheel.schedule(`p${i}`, 1000 + i * 10, () => ran.push(`p${i}`));
    expect(t.pending()).toBe(1);
    wheel.schedule('p0', 5000, () => ran.push('p0-late'));
    wheel.cancel('p1');
    await t.advance(1000);
    expect(ran).toEqual([]); // p0 moved, p1 cancelled, the rest are later
    await t.advance(100);
    // 1010..1100 round up to 1100: one wake-up runs them all.
    expect(ran).toEqual(['p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9', 'p10']);
    await t.advance(4000);
    expect(ran.at(-1)).toBe('p0-late');
    expect(ran).toHaveLength(49);
    expect(wheel.size).toBe(0);
    expect(t.pending()).toBe(0);
  });

  it('a callback may schedule again; stop() clears everything', async () => {
    const t = createFakeTimers(0);
    const wheel = createTimerWheel(t.deps, { resolutionMs: 1 });
    let n = 0;
    const tick = () => {
      n++;
      wheel.schedule('k', t.now() + 10, tick);
    };
    wheel.schedule('k', 10, tick);
    await t.advance(55);
    expect(n).toBe(5);
    wheel.stop();
    await t.advance(100);
    expect(n).toBe(5);
    expect(t.pending()).toBe(0);
  });
});
