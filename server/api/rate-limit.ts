import type { Context, MiddlewareHandler } from 'hono';
import { KedgeError } from '../../shared/errors.js';
import { createLogThrottle, createTokenBuckets, type RateLimit } from '../broker/rate-limit.js';

/** Joins per client address: a fleet's reboot fits in the burst; guessing tokens does not. */
export const defaultJoinRateLimit: RateLimit = { perSecond: 10 / 60, burst: 20 };

/** The peer address of the TCP connection (never a forwarded header, which a client could forge). */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/** Answers 429 (a Status, with Retry-After) once a client address has used up its bucket. */
export function rateLimitPerClient(o: {
  limit: RateLimit;
  /** Names the endpoint in the message and the log, e.g. "join". */
  what: string;
  now?: () => number;
  address?: (c: Context) => string;
  log?: (msg: string) => void;
}): MiddlewareHandler {
  const buckets = createTokenBuckets(o.limit, o.now);
  const address = o.address ?? clientAddress;
  const say = o.log ? createLogThrottle({ log: o.log, now: o.now }) : () => undefined;
  const retryAfter = Math.max(1, Math.ceil(1 / o.limit.perSecond));
  return async (c, next) => {
    const from = address(c);
    if (!buckets.take(from)) {
      say(from, `api: ${o.what}: rate limit reached for ${from} (${Math.round(o.limit.perSecond * 60)}/min, burst ${o.limit.burst}); answering 429`);
      c.header('Retry-After', String(retryAfter));
      throw new KedgeError('TooManyRequests', `${o.what}: too many requests from ${from}; try again in ${retryAfter}s`);
    }
    await next();
  };
}
