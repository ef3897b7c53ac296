/**
 * A level-triggered work queue: keys are deduplicated while waiting, processed one at a time,
 * retried with back-off on error. Reconcilers read the current state for a key; events only say "look again".
 */
export interface WorkQueueOptions {
  name: string;
  reconcile: (key: string) => void | Promise<void>;
  /** Coalesce bursts of events (ms). */
  delayMs?: number;
  log?: (msg: string) => void;
  setTimer?: (fn: () => void, ms: number) => { unref?: () => void } & object;
  clearTimer?: (t: unknown) => void;
  /** A drain longer than this lets I/O (API requests, MQTT) run before it goes on (default 10 ms). */
  sliceMs?: number;
}

/** Lets pending I/O callbacks run: a long drain must not hold the API's requests back. */
const yieldToIo = () => new Promise<void>((r) => setImmediate(r));

export function createWorkQueue(o: WorkQueueOptions) {
  const pending = new Set<string>();
  const failures = new Map<string, number>();
  const setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = o.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
  let timer: unknown;
  let running = false;
  let stopped = false;
  const retryTimers = new Set<unknown>();

  function schedule() {
    if (timer || running || stopped) return;
    const t = setTimer(drain, o.delayMs ?? 10);
    t.unref?.();
    timer = t;
  }

  async function drain() {
    timer = undefined;
    if (running || stopped) return;
    running = true;
    const sliceMs = o.sliceMs ?? 10;
    let sliceStart = performance.now();
    try {
      while (pending.size > 0 && !stopped) {
        if (performance.now() - sliceStart > sliceMs) {
          await yieldToIo();
          sliceStart = performance.now();
          if (stopped) break;
        }
        const key = pending.values().next().value as string;
        pending.delete(key);
        try {
          await o.reconcile(key);
          failures.delete(key);
        } catch (e) {
          const n = (failures.get(key) ?? 0) + 1;
          failures.set(key, n);
          const delay = Math.min(30_000, 200 * 2 ** Math.min(n, 8));
          o.log?.(`${o.name}: reconcile ${key} failed (attempt ${n}, retry in ${delay} ms): ${(e as Error).message}`);
          const rt = setTimer(() => {
            retryTimers.delete(rt);
            add(key);
          }, delay);
          rt.unref?.();
          retryTimers.add(rt);
        }
      }
    } finally {
      running = false;
      if (pending.size > 0) schedule();
    }
  }

  function add(key: string) {
    if (stopped) return;
    pending.add(key);
    schedule();
  }

  return {
    add,
    /** Resolves once everything queued so far has been processed (tests). */
    async idle(): Promise<void> {
      while (pending.size > 0 || running || timer) {
        if (timer && !running) {
          clearTimer(timer);
          await drain();
        } else await new Promise((r) => setImmediate(r));
      }
    },
    stop() {
      stopped = true;
      if (timer) clearTimer(timer);
      for (const t of retryTimers) clearTimer(t);
      retryTimers.clear();
    },
  };
}

export type WorkQueue = ReturnType<typeof createWorkQueue>;
