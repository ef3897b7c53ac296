/**
 * Paces rpc answers under the broker's per-node publish limit (default 50/s, burst 100 there): a big
 * log sent at full speed would be cut off mid-stream. Half the budget stays free for heartbeats and
 * pod statuses.
 */
export interface Pacer {
  /** Resolves when one more message may go out. */
  take(): Promise<void>;
}

export function createPacer(o: { perSecond?: number; burst?: number; now?: () => number; sleep?: (ms: number) => Promise<void> } = {}): Pacer {
  const perSecond = o.perSecond ?? 20;
  const burst = o.burst ?? 40;
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let tokens = burst;
  let at = now();
  // Callers queue behind each other, so one stream cannot starve another's turn.
  let tail: Promise<void> = Promise.resolve();

  async function one(): Promise<void> {
    for (;;) {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - at) / 1000) * perSecond);
      at = t;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - tokens) / perSecond) * 1000));
    }
  }

  return {
    take() {
      const next = tail.then(one);
      tail = next;
      return next;
    },
  };
}
