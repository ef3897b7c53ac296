import type { WorkQueue } from './queue.js';

/** Timed re-checks per key (a progress deadline, a pod reaching minReadySeconds); the earliest wins. */
export function createRequeue(queue: Pick<WorkQueue, 'add'>) {
  const timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  return {
    after(key: string, ms: number) {
      const at = Date.now() + ms;
      const cur = timers.get(key);
      if (cur && cur.at <= at) return;
      if (cur) clearTimeout(cur.timer);
      // A little slack so the clock has surely passed the moment when the check runs.
      const timer = setTimeout(() => {
        timers.delete(key);
        queue.add(key);
      }, Math.max(0, ms) + 50);
      timer.unref();
      timers.set(key, { at, timer });
    },
    stop() {
      for (const t of timers.values()) clearTimeout(t.timer);
      timers.clear();
    },
  };
}
