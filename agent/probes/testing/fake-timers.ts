import type { TimerDeps } from '../wheel.js';

/** A manual clock with timers, for tests: advance() runs what falls due, in order, letting promises settle between. */
export function createFakeTimers(start = 1_700_000_000_000) {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const settle = () => new Promise<void>((r) => setImmediate(r));
  const deps: TimerDeps = {
    now: () => now,
    setTimer(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimer(h) {
      timers.delete(h as number);
    },
  };
  return {
    deps,
    now: () => now,
    pending: () => timers.size,
    async advance(ms: number) {
      const end = now + ms;
      await settle();
      for (;;) {
        const next = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!next) break;
        timers.delete(next[0]);
        now = Math.max(now, next[1].at);
        next[1].fn();
        await settle();
      }
      now = end;
      await settle();
    },
  };
}
