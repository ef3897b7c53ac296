/**
 * Encoded answers to the cluster's own names, kept until the next update: the zone does not change
 * between updates, so a query seen before, byte for byte, costs a lookup and a copy, not a decode
 * and an encode.
 */
import { ednsPayloadSize } from './message.js';

export interface ReplyMemo {
  /** The encoded answer with the query's id written in, or undefined. */
  get(key: string, id: number): Buffer | undefined;
  set(key: string, reply: Buffer): void;
  clear(): void;
  readonly size: number;
}

/**
 * The query's bytes after its id, and the transport (which bounds the answer's size): equal keys
 * decode to equal queries, which the zone answers alike until the next update.
 */
export function memoKey(transport: 'udp' | 'tcp', query: Buffer): string {
  return `${transport}${query.toString('latin1', 2)}`;
}

/** Bounded: when full it starts over (a flood of random names must not grow it); large answers are not kept. */
export function createReplyMemo(maxEntries = 2000, maxBytes = ednsPayloadSize): ReplyMemo {
  let entries = new Map<string, Buffer>();
  return {
    get(key, id) {
      const cached = entries.get(key);
      if (!cached) return undefined;
      const out = Buffer.allocUnsafe(cached.length);
      cached.copy(out);
      out.writeUInt16BE(id, 0);
      return out;
    },
    set(key, reply) {
      if (reply.length > maxBytes) return;
      if (entries.size >= maxEntries) entries = new Map();
      entries.set(key, reply);
    },
    clear() {
      entries = new Map();
    },
    get size() {
      return entries.size;
    },
  };
}
