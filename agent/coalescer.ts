/**
 * Runs `work` on the newest value only: one run at a time, and whatever arrives during a run
 * waits as one pending value that later pushes replace (bursts of changes cost one extra run).
 */
export interface Coalescer<T> {
  push(value: T): void;
  /** Resolves once nothing runs and nothing waits. */
  idle(): Promise<void>;
  /** Drops the pending value and waits for the run in flight; later pushes are ignored. */
  close(): Promise<void>;
}

export function createCoalescer<T>(work: (value: T) => Promise<void>, onError: (e: Error) => void): Coalescer<T> {
  let running: Promise<void> | undefined;
  let pending: { value: T } | undefined;
  let closed = false;

  async function drain(): Promise<void> {
    while (pending && !closed) {
      const { value } = pending;
      pending = undefined;
      try {
        await work(value);
      } catch (e) {
        onError(e instanceof Error ? e : new Error(String(e)));
      }
    }
    running = undefined;
  }

  return {
    push(value) {
      if (closed) return;
      pending = { value };
      running ??= drain();
    },
    async idle() {
      while (running) await running;
    },
    async close() {
      closed = true;
      pending = undefined;
      await running;
    },
  };
}
