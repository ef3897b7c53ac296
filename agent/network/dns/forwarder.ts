/**
 * Names outside the cluster go to the node's own resolvers: UDP first, TCP when the answer was
 * truncated; one upstream after the other within a bounded time; answers cached; identical
 * questions in flight share one exchange; SERVFAIL when none answers.
 */
import { randomInt } from 'node:crypto';
import { encode, RECURSION_DESIRED, type DecodedPacket, type Question } from 'dns-packet';
import { emptyReply, type Rcode, type Reply } from './answer.js';
import { cacheKey, type ReplyCache } from './cache.js';
import { ednsPayloadSize } from './message.js';
import { exchangeTcp, exchangeUdp, upstreamLabel, type Exchange, type Upstream } from './upstream-exchange.js';

export interface ForwarderTuning {
  /** Per upstream and attempt; glibc gives up on a server after 5 s, so three attempts fit. */
  attemptTimeoutMs: number;
  maxAttempts: number;
  /** Distinct questions waiting for upstreams at once; more get SERVFAIL at once. */
  maxInFlight: number;
}

export const defaultForwarderTuning: ForwarderTuning = { attemptTimeoutMs: 1500, maxAttempts: 3, maxInFlight: 256 };

export interface ForwarderOptions {
  /** Read on every question: the list changes when the cluster DNS address becomes known. */
  upstreams: () => Upstream[];
  cache: ReplyCache;
  log: (msg: string) => void;
  tuning?: Partial<ForwarderTuning>;
  udp?: Exchange;
  tcp?: Exchange;
}

export interface Forwarder {
  resolve(q: Question): Promise<Reply>;
  /** Ends exchanges in flight (they answer SERVFAIL). */
  close(): void;
}

const rcodeNames: Rcode[] = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/** An upstream's answer as this server passes it on; its OPT record is its own, not the client's. */
export function replyFromUpstream(m: DecodedPacket): Reply {
  return {
    rcode: rcodeNames[m.flags! & 0xf] ?? 'SERVFAIL',
    authoritative: false,
    answers: m.answers ?? [],
    authorities: m.authorities ?? [],
    additionals: (m.additionals ?? []).filter((a) => a.type !== 'OPT'),
  };
}

function answers(q: Question, id: number) {
  const name = q.name.toLowerCase();
  return (m: DecodedPacket) => {
    const a = m.questions?.[0];
    return m.type === 'response' && m.id === id && m.questions?.length === 1 && a!.name.toLowerCase() === name && a!.type === q.type && a!.class === q.class;
  };
}

export function createForwarder(o: ForwarderOptions): Forwarder {
  const tuning = { ...defaultForwarderTuning, ...o.tuning };
  const udp = o.udp ?? exchangeUdp;
  const tcp = o.tcp ?? exchangeTcp;
  const inFlight = new Map<string, Promise<Reply>>();
  const failing = new Set<string>();
  const closing = new AbortController();
  // The upstream that answered last is asked first: a dead first nameserver costs one timeout, not one per query.
  let preferred = 0;
  let warnedNoUpstream = false;

  async function exchange(u: Upstream, q: Question) {
    const id = randomInt(0, 0x10000);
    const query = encode({
      id,
      type: 'query',
      flags: RECURSION_DESIRED,
      questions: [{ name: q.name, type: q.type, class: q.class ?? 'IN' }],
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: ednsPayloadSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
    });
    const accept = answers({ ...q, class: q.class ?? 'IN' }, id);
    const viaUdp = await udp(u, query, accept, tuning.attemptTimeoutMs, closing.signal);
    return viaUdp.message.flag_tc ? tcp(u, query, accept, tuning.attemptTimeoutMs, closing.signal) : viaUdp;
  }

  function note(u: Upstream, problem: string | null): void {
    const label = upstreamLabel(u);
    if (problem && !failing.has(label)) {
      failing.add(label);
      o.log(`cluster DNS: upstream ${label} failed (${problem}); asking the next`);
    } else if (!problem && failing.delete(label)) {
      o.log(`cluster DNS: upstream ${label} answers again`);
    }
  }

  async function ask(q: Question, key: string): Promise<Reply> {
    const list = o.upstreams();
    if (list.length === 0) {
      if (!warnedNoUpstream) o.log('cluster DNS: no upstream resolver (none in resolv.conf besides the cluster DNS itself); names outside the cluster get SERVFAIL');
      warnedNoUpstream = true;
      return emptyReply('SERVFAIL');
    }
    let last = emptyReply('SERVFAIL');
    for (let i = 0; i < Math.min(list.length, tuning.maxAttempts); i++) {
      if (closing.signal.aborted) break;
      const index = (preferred + i) % list.length;
      const u = list[index]!;
      let reply: Reply;
      let bytes: number;
      try {
        const r = await exchange(u, q);
        reply = replyFromUpstream(r.message);
        bytes = r.bytes;
      } catch (e) {
        note(u, (e as Error).message);
        continue;
      }
      if (reply.rcode === 'SERVFAIL' || reply.rcode === 'REFUSED') {
        note(u, reply.rcode);
        last = reply;
        continue;
      }
      note(u, null);
      preferred = index;
      o.cache.set(key, reply, bytes);
      return reply;
    }
    return last;
  }

  return {
    resolve(q) {
      const key = cacheKey(q.name, q.type, q.class);
      const cached = o.cache.get(key);
      if (cached) return Promise.resolve(cached);
      const pending = inFlight.get(key);
      if (pending) return pending;
      if (inFlight.size >= tuning.maxInFlight || closing.signal.aborted) return Promise.resolve(emptyReply('SERVFAIL'));
      const p = ask(q, key).finally(() => inFlight.delete(key));
      inFlight.set(key, p);
      return p;
    },
    close() {
      closing.abort();
    },
  };
}
