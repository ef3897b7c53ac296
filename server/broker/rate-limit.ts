/** A sustained rate with a burst allowance. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** What a node may publish: a heartbeat every 10 s and a few pod changes are far below it. */
export const defaultNodeRateLimit: RateLimit = { perSecond: 50, burst: 100 };

export interface TokenBuckets {
  /** Takes one token from `key`'s bucket; false when it is empty. */
  take(key: string): boolean;
  forget(key: string): void;
  readonly size: number;
}

/** How many keys may be tracked before full buckets are pruned (a full bucket is the same as none). */
const pruneAbove = 10_000;

/** One token bucket per key (node name, client address), refilled continuously. */
export function createTokenBuckets(limit: RateLimit, now: () => number = Date.now): TokenBuckets {
  const buckets = new Map<string, { tokens: number; at: number }>();

  function refill(b: { tokens: number; at: number }, t: number): void {
    b.tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 1000) * limit.perSecond);
    b.at = t;
  }

  function prune(t: number): void {
    for (const [key, b] of buckets) {
      refill(b, t);
      if (b.tokens >= limit.burst) buckets.delete(key);
    }
  }

  return {
    take(key) {
      const t = now();
      let b = buckets.get(key);
      if (!b) {
        if (buckets.size >= pruneAbove) prune(t);
        b = { tokens: limit.burst, at: t };
        buckets.set(key, b);
      } else refill(b, t);
      if (b.tokens < 1 - 1e-9) return false; // 6 s at 10/min is one token, floating point or not
      b.tokens -= 1;
      return true;
    },
    forget: (key) => void buckets.delete(key),
    get size() {
      return buckets.size;
    },
  };
}

export interface NodeRateLimiter {
  /** True when `node` may publish now; false means drop (counted, logged at most once per interval). */
  allow(node: string): boolean;
  forget(node: string): void;
}

/**
 * Per-node publish limit for the broker. A flooding node is logged once per interval with the
 * number of messages dropped, so the flood cannot flood the log either.
 */
export function createNodeRateLimiter(o: {
  limit?: RateLimit;
  now?: () => number;
  log?: (msg: string) => void;
  logEveryMs?: number;
  onDrop?: (node: string) => void;
}): NodeRateLimiter {
  const limit = o.limit ?? defaultNodeRateLimit;
  const now = o.now ?? Date.now;
  const every = o.logEveryMs ?? 10_000;
  const buckets = createTokenBuckets(limit, now);
  const dropped = new Map<string, { count: number; loggedAt: number }>();

  return {
    allow(node) {
      if (buckets.take(node)) return true;
      o.onDrop?.(node);
      const t = now();
      const d = dropped.get(node) ?? { count: 0, loggedAt: -Infinity };
      d.count++;
      if (t - d.loggedAt >= every) {
        const rate = `${limit.perSecond} messages/s (burst ${limit.burst})`;
        o.log?.(
          Number.isFinite(d.loggedAt)
            ? `mqtt: node ${node} still exceeds ${rate}; dropped ${d.count} publishes in the last ${Math.round((t - d.loggedAt) / 1000)}s`
            : `mqtt: node ${node} exceeds ${rate}; dropping publishes beyond it (logged at most every ${Math.round(every / 1000)}s)`,
        );
        d.count = 0;
        d.loggedAt = t;
      }
      dropped.set(node, d);
      return false;
    },
    forget(node) {
      buckets.forget(node);
      dropped.delete(node);
    },
  };
}

/**
 * Logs a message under `key` at most once per interval, saying how many were held back meanwhile:
 * a hostile node must not be able to fill the disk with log lines either.
 */
export function createLogThrottle(o: { log: (msg: string) => void; everyMs?: number; now?: () => number }) {
  const every = o.everyMs ?? 10_000;
  const now = o.now ?? Date.now;
  const seen = new Map<string, { at: number; held: number }>();
  return (key: string, msg: string): void => {
    const t = now();
    const s = seen.get(key);
    if (s && t - s.at < every) {
      s.held++;
      return;
    }
    if (seen.size >= pruneAbove) seen.clear();
    o.log(s?.held ? `${msg} (and ${s.held} more like it in the last ${Math.round((t - s.at) / 1000)}s)` : msg);
    seen.set(key, { at: t, held: 0 });
  };
}
