import { describe, expect, it } from 'vitest';
import { createWorkQueue } from './queue.js';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('work queue', () => {
  it('a long drain lets pending I/O run between slices instead of holding it for the whole drain', async () => {
    const done: string[] = [];
    const q = createWorkQueue({ name: 't', delayMs: 0, sliceMs: 5, reconcile: (k) => (busy(3), void done.push(k)) });
    for (let i = 0; i < 20; i++) q.add(`k${i}`);
    // Queued "I/O" arriving while the drain runs gets its turn before the drain ends.
    let ranAfter = -1;
    setTimeout(() => setImmediate(() => (ranAfter = done.length)), 1);
    await q.idle();
    expect(done).toHaveLength(20);
    expect(ranAfter).toBeGreaterThan(0);
    expect(ranAfter).toBeLessThan(20);
    q.stop();
  });

  it('deduplicates waiting keys', async () => {
    let calls = 0;
    const q = createWorkQueue({ name: 't', delayMs: 0, reconcile: () => void calls++ });
    q.add('a');
    q.add('a');
    await q.idle();
    expect(calls).toBe(1);
    q.stop();
  });
});
