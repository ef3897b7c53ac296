import { describe, expect, it } from 'vitest';
import { createPacer } from './pacer.js';

describe('pacer', () => {
  it('lets a burst through, then one message per 1/perSecond', async () => {
    let t = 0;
    const slept: number[] = [];
    const pacer = createPacer({ perSecond: 10, burst: 3, now: () => t, sleep: async (ms) => void (slept.push(ms), (t += ms)) });
    for (let i = 0; i < 6; i++) await pacer.take();
    expect(slept).toEqual([100, 100, 100]);
    expect(t).toBe(300);
  });

  it('serves concurrent callers in order', async () => {
    let t = 0;
    const pacer = createPacer({ perSecond: 1000, burst: 1, now: () => t, sleep: async (ms) => void (t += ms) });
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((i) => pacer.take().then(() => order.push(i))));
    expect(order).toEqual([1, 2, 3]);
  });
});
