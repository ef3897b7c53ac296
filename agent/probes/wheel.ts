/**
 * One timer for every probe on the node: due times sit in a min-heap and a single setTimeout is
 * armed for the earliest. Due times are rounded up to `resolutionMs`, so probes with the same
 * period fire together instead of waking the CPU once each (a Pi runs many).
 */
export interface TimerDeps {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const realTimers: TimerDeps = {
  now: Date.now,
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface TimerWheel {
  /** Runs fn at (or just after) `at`; replaces what was scheduled under the key. */
  schedule(key: string, at: number, fn: () => void): void;
  cancel(key: string): void;
  readonly size: number;
  stop(): void;
}

interface Entry {
  at: number;
  key: string;
  seq: number;
}

export function createTimerWheel(t: TimerDeps = realTimers, o: { resolutionMs?: number } = {}): TimerWheel {
  const resolution = o.resolutionMs ?? 100;
  const heap: Entry[] = [];
  const live = new Map<string, { seq: number; fn: () => void }>();
  let seq = 0;
  let armed: { handle: unknown; at: number } | undefined;
  let stopped = false;

  const less = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  function push(e: Entry): void {
    heap.push(e);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  }
  function pop(): Entry | undefined {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
  /** Drops cancelled or replaced entries from the top, so the armed time is a real one. */
  function peek(): Entry | undefined {
    while (heap.length && live.get(heap[0]!.key)?.seq !== heap[0]!.seq) pop();
    return heap[0];
  }

  function arm(): void {
    const next = peek();
    if (stopped || !next) {
      if (armed) t.clearTimer(armed.handle);
      armed = undefined;
      return;
    }
    if (armed && armed.at <= next.at) return;
    if (armed) t.clearTimer(armed.handle);
    armed = { at: next.at, handle: t.setTimer(fire, Math.max(0, next.at - t.now())) };
  }

  function fire(): void {
    armed = undefined;
    const now = t.now();
    const due: (() => void)[] = [];
    for (let e = peek(); e && e.at <= now; e = peek()) {
      pop();
      const l = live.get(e.key)!;
      live.delete(e.key);
      due.push(l.fn);
    }
    for (const fn of due) fn();
    arm();
  }

  return {
    schedule(key, at, fn) {
      const rounded = Math.ceil(at / resolution) * resolution;
      const e = { at: rounded, key, seq: ++seq };
      live.set(key, { seq: e.seq, fn });
      push(e);
      arm();
    },
    cancel(key) {
      live.delete(key);
    },
    get size() {
      return live.size;
    },
    stop() {
      stopped = true;
      live.clear();
      heap.length = 0;
      arm();
    },
  };
}
