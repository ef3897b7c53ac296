import { describe, expect, it } from 'vitest';
import { maxReconnectDelayMs, reconnectDelay } from './backoff.js';

/** A seeded generator (mulberry32), so the spread is checked on the same numbers every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('reconnect back-off', () => {
  it('doubles from 1 s up to a 6 s cap, never below half of each step', () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect([0, 1, 2, 3, 4, 40].map((n) => reconnectDelay(n, low))).toEqual([500, 1000, 2000, 3000, 3000, 3000]);
    expect([0, 1, 2, 3, 4, 40].map((n) => reconnectDelay(n, high))).toEqual([1000, 2000, 4000, 6000, 6000, 6000]);
    // A node is back within the cap of a link healing, however long it was down.
    expect(reconnectDelay(1000, high)).toBeLessThanOrEqual(maxReconnectDelayMs);
  });

  it('spreads 1,000 nodes returning at once across the window instead of a stampede', () => {
    const random = seeded(42);
    for (const attempt of [0, 2, 10]) {
      const delays = Array.from({ length: 1000 }, () => reconnectDelay(attempt, random));
      const base = Math.min(maxReconnectDelayMs, 1000 * 2 ** attempt);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(base / 2);
      expect(Math.max(...delays)).toBeLessThanOrEqual(base);
      // Ten equal buckets over [base/2, base]: each holds roughly a tenth, none a crowd.
      const buckets = new Array<number>(10).fill(0);
      for (const d of delays) buckets[Math.min(9, Math.floor(((d - base / 2) / (base / 2)) * 10))]!++;
      for (const b of buckets) {
        expect(b).toBeGreaterThan(50);
        expect(b).toBeLessThan(150);
      }
      // No single millisecond gets more than a handful of the fleet.
      const perMs = new Map<number, number>();
      for (const d of delays) perMs.set(d, (perMs.get(d) ?? 0) + 1);
      expect(Math.max(...perMs.values())).toBeLessThanOrEqual(attempt === 0 ? 8 : 4);
    }
  });

  it('uses Math.random by default, so real fleets spread too', () => {
    const delays = new Set(Array.from({ length: 1000 }, () => reconnectDelay(5)));
    expect(delays.size).toBeGreaterThan(500); // 1,000 draws over 3,001 possible milliseconds
  });
});
