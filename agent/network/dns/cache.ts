/**
 * The forwarder's small cache: bounded in entries and in the size of each, honouring the records'
 * TTLs (capped), negative answers kept briefly, failures never.
 */
import type { Answer } from 'dns-packet';
import type { Reply } from './answer.js';

export interface Clock {
  /** Milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface CacheLimits {
  maxEntries: number;
  /** Larger upstream messages are passed on, not kept: the cache stays small on a Pi. */
  maxMessageBytes: number;
  /** Positive answers are kept at most this long, as K3s's `cache 30`. */
  maxTtlSeconds: number;
  /** NXDOMAIN and NODATA are kept at most this long: a name that appears is seen soon. */
  negativeTtlSeconds: number;
}

export const defaultCacheLimits: CacheLimits = { maxEntries: 1000, maxMessageBytes: 4096, maxTtlSeconds: 30, negativeTtlSeconds: 5 };

/** How long a reply may be kept, in seconds; 0: not at all (pure). */
export function cacheSeconds(reply: Reply, limits: CacheLimits): number {
  if (reply.rcode === 'NOERROR' && reply.answers.length > 0) {
    return Math.min(limits.maxTtlSeconds, ...reply.answers.map((a) => ttlOf(a)));
  }
  if (reply.rcode === 'NXDOMAIN' || reply.rcode === 'NOERROR') {
    // RFC 2308: the SOA's own TTL and its minimum bound a negative answer; without an SOA it is not kept.
    const soa = reply.authorities.find((a) => a.type === 'SOA');
    if (!soa || soa.type !== 'SOA') return 0;
    return Math.min(limits.negativeTtlSeconds, ttlOf(soa), soa.data.minimum ?? Infinity);
  }
  return 0;
}

function ttlOf(a: Answer): number {
  return 'ttl' in a ? (a.ttl ?? 0) : 0;
}

interface Entry {
  reply: Reply;
  storedAt: number;
  seconds: number;
}

export interface ReplyCache {
  /** The reply with its TTLs counted down, or undefined when absent or expired. */
  get(key: string): Reply | undefined;
  set(key: string, reply: Reply, messageBytes: number): void;
  readonly size: number;
}

export function cacheKey(name: string, type: string, klass: string | undefined): string {
  return `${name.toLowerCase()}|${type}|${klass ?? 'IN'}`;
}

export function createReplyCache(clock: Clock = systemClock, limits: CacheLimits = defaultCacheLimits): ReplyCache {
  const entries = new Map<string, Entry>();
  return {
    get(key) {
      const e = entries.get(key);
      if (!e) return undefined;
      const now = clock.now();
      const elapsed = Math.floor((now - e.storedAt) / 1000);
      if (elapsed >= e.seconds) {
        entries.delete(key);
        return undefined;
      }
      // Least recently used goes first: a hit moves the entry to the end.
      entries.delete(key);
      entries.set(key, e);
      const age = (a: Answer): Answer => ('ttl' in a ? { ...a, ttl: Math.max(0, Math.min(a.ttl ?? 0, e.seconds) - elapsed) } : a);
      return { ...e.reply, answers: e.reply.answers.map(age), authorities: e.reply.authorities.map(age), additionals: e.reply.additionals.map(age) };
    },
    set(key, reply, messageBytes) {
      const seconds = cacheSeconds(reply, limits);
      if (seconds <= 0 || messageBytes > limits.maxMessageBytes) return;
      entries.delete(key);
      while (entries.size >= limits.maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { reply, storedAt: clock.now(), seconds });
    },
    get size() {
      return entries.size;
    },
  };
}
