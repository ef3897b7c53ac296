import { describe, expect, it } from 'vitest';
import { createLogThrottle, createNodeRateLimiter, createTokenBuckets } from './rate-limit.js';

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('token buckets', () => {
  it('allows the burst at once, then the sustained rate', () => {
    const c = clock();
    const b = createTokenBuckets({ perSecond: 10, burst: 20 }, c.now);
    let granted = 0;
    for (let i = 0; i < 100; i++) if (b.take('n')) granted++;
    expect(granted).toBe(20);
    c.advance(500); // half a second: 5 more
    granted = 0;
    for (let i = 0; i < 100; i++) if (b.take('n')) granted++;
    expect(granted).toBe(5);
  });

  it('keeps keys apart and never refills beyond the burst', () => {
    const c = clock();
    const b = createTokenBuckets({ perSecond: 1, burst: 2 }, c.now);
    expect([b.take('a'), b.take('a'), b.take('a')]).toEqual([true, true, false]);
    expect(b.take('b')).toBe(true);
    c.advance(60_000);
    expect([b.take('a'), b.take('a'), b.take('a')]).toEqual([true, true, false]);
  });

  it('prunes full buckets instead of growing without bound', () => {
    const c = clock();
    const b = createTokenBuckets({ perSecond: 1, burst: 1 }, c.now);
    for (let i = 0; i < 10_000; i++) b.take(`k${i}`);
    expect(b.size).toBe(10_000);
    c.advance(2000);
    b.take('new');
    expect(b.size).toBe(1);
  });
});

describe('node rate limiter', () => {
  it('drops beyond the limit, counts every drop and logs once per interval naming the node', () => {
    const c = clock();
    const logs: string[] = [];
    let drops = 0;
    const l = createNodeRateLimiter({ limit: { perSecond: 50, burst: 100 }, now: c.now, log: (m) => logs.push(m), logEveryMs: 10_000, onDrop: () => drops++ });
    let allowed = 0;
    for (let i = 0; i < 10_000; i++) if (l.allow('rogue')) allowed++;
    expect(allowed).toBe(100);
    expect(drops).toBe(9_900);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/node rogue exceeds 50 messages\/s \(burst 100\)/);
    expect(l.allow('quiet')).toBe(true); // other nodes are unaffected

    c.advance(10_000); // 500 tokens refilled, capped at the burst of 100
    for (let i = 0; i < 1000; i++) l.allow('rogue');
    expect(logs).toHaveLength(2);
    expect(logs[1]).toMatch(/node rogue still exceeds .*dropped \d+ publishes in the last 10s/);
  });
});

describe('log throttle', () => {
  it('logs the first message per key, then at most once per interval with the count held back', () => {
    const c = clock();
    const logs: string[] = [];
    const say = createLogThrottle({ log: (m) => logs.push(m), everyMs: 1000, now: c.now });
    for (let i = 0; i < 5; i++) say('a', `a ${i}`);
    say('b', 'b 0');
    c.advance(1000);
    say('a', 'a 5');
    expect(logs).toEqual(['a 0', 'b 0', 'a 5 (and 4 more like it in the last 1s)']);
  });
});
