/**
 * The cluster DNS the agent answers itself, on the cluster DNS address over UDP and TCP: the
 * cluster's names from an index rebuilt on every update, every other name forwarded to the node's
 * own resolvers. It keeps answering from the last update while the server is away.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { decode, type DecodedPacket } from 'dns-packet';
import { KedgeError } from '../../../shared/errors.js';
import type { ClusterDns } from '../types.js';
import { emptyReply, type Reply } from './answer.js';
import { createReplyCache, defaultCacheLimits, systemClock, type CacheLimits, type Clock } from './cache.js';
import { createForwarder, type ForwarderTuning } from './forwarder.js';
import { encodeReply, opcodeOf, tcpMaxMessage, udpLimit } from './message.js';
import { createReplyMemo, memoKey } from './reply-memo.js';
import { createResolver } from './resolver.js';
import { defaultTcpLimits, listenTcp, type TcpLimits, type TcpListener } from './tcp-listener.js';
import type { Upstream } from './upstream-exchange.js';
import { buildZone, type DnsInput, type Zone } from './zone.js';

export interface ClusterDnsOptions {
  address: string;
  /** 53 on a node; 0 takes a free port, the same for UDP and TCP. */
  port: number;
  /** The cluster domain until the first update brings the network's own. */
  domain: string;
  /** The node's resolvers (from resolv.conf); the cluster DNS itself is never among those asked. */
  upstreams: Upstream[];
  log: (msg: string) => void;
  clock?: Clock;
  cache?: Partial<CacheLimits>;
  forwarder?: Partial<ForwarderTuning>;
  tcp?: Partial<TcpLimits>;
}

export interface RunningClusterDns extends ClusterDns {
  /** The port bound, for UDP and TCP alike. */
  readonly port: number;
}

function bindUdp(address: string, port: number): Promise<Socket> {
  const socket = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', (e) => {
      socket.close();
      reject(e);
    });
    socket.bind({ address, port, exclusive: true }, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

function listenError(address: string, port: number, proto: string, e: Error): KedgeError {
  return new KedgeError('ServiceUnavailable', `cluster DNS: cannot listen on ${address} port ${port}/${proto} (${e.message}); the cluster DNS address must be on one of the node's interfaces and the port free`, { cause: e });
}

/** UDP and TCP on one port; with port 0 the port UDP got is tried for TCP, a few times over. */
async function listenBoth(address: string, port: number, tcpLimits: TcpLimits, respond: (q: Buffer) => Buffer | null | Promise<Buffer | null>, log: (m: string) => void) {
  for (let attempt = 0; ; attempt++) {
    const udp = await bindUdp(address, port).catch((e: Error) => Promise.reject(listenError(address, port, 'udp', e)));
    const bound = udp.address().port;
    try {
      const tcp = await listenTcp(address, bound, tcpLimits, respond, log);
      return { udp, tcp, port: bound };
    } catch (e) {
      udp.close();
      if (port !== 0 || attempt >= 4 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw listenError(address, bound, 'tcp', e as Error);
    }
  }
}

export async function startClusterDns(o: ClusterDnsOptions): Promise<RunningClusterDns> {
  const clock = o.clock ?? systemClock;
  let zone: Zone | null = null;
  let clusterDNS: string | null = null;
  let port = o.port;
  let closed = false;
  let warnedEncode = false;
  // Asking the cluster DNS address (or this very socket) would send a question around in a loop.
  const upstreams = () => o.upstreams.filter((u) => u.address !== clusterDNS && !(u.address === o.address && u.port === port));
  const forwarder = createForwarder({ upstreams, cache: createReplyCache(clock, { ...defaultCacheLimits, ...o.cache }), log: o.log, tuning: o.forwarder });
  const resolver = createResolver({ zone: () => zone, domain: () => o.domain, forwarder });
  // Only synchronous answers (the zone's) are kept: forwarded ones count their TTLs down.
  const memo = createReplyMemo();

  const encode = (query: DecodedPacket, reply: Reply, limit: number): Buffer => {
    try {
      return encodeReply(query, reply, limit);
    } catch (e) {
      if (!warnedEncode) o.log(`cluster DNS: cannot encode an answer for ${query.questions?.[0]?.name} (${(e as Error).message}); answering SERVFAIL`);
      warnedEncode = true;
      return encodeReply(query, emptyReply('SERVFAIL'), limit);
    }
  };

  const respond = (msg: Buffer, transport: 'udp' | 'tcp'): Buffer | null | Promise<Buffer | null> => {
    const key = memoKey(transport, msg);
    const known = msg.length >= 12 ? memo.get(key, msg.readUInt16BE(0)) : undefined;
    if (known) return known;
    let query: DecodedPacket;
    try {
      query = decode(msg);
    } catch {
      // Malformed: dropped without a word, as a flood of them must not fill the log.
      return null;
    }
    if (query.type !== 'query') return null;
    const limit = transport === 'udp' ? udpLimit(query) : tcpMaxMessage;
    if (opcodeOf(query) !== 0) return encode(query, emptyReply('NOTIMP'), limit);
    if (query.questions?.length !== 1) return encode(query, emptyReply('FORMERR'), limit);
    const r = resolver.resolve(query.questions[0]!);
    if (!(r instanceof Promise)) {
      const answer = encode(query, r, limit);
      memo.set(key, answer);
      return answer;
    }
    return r.then(
      (reply) => encode(query, reply, limit),
      () => encode(query, emptyReply('SERVFAIL'), limit),
    );
  };

  const tcpLimits = { ...defaultTcpLimits, ...o.tcp };
  const listening = await listenBoth(o.address, o.port, tcpLimits, (q) => respond(q, 'tcp'), o.log);
  const { udp, tcp }: { udp: Socket; tcp: TcpListener } = listening;
  port = listening.port;
  udp.on('error', (e) => o.log(`cluster DNS: UDP socket: ${e.message}`));
  udp.on('message', (msg, from) => {
    const send = (answer: Buffer | null) => {
      // A client gone before its answer is no fault of the server's: nothing to log.
      if (answer && !closed) udp.send(answer, from.port, from.address, () => undefined);
    };
    const r = respond(msg, 'udp');
    if (r instanceof Promise) void r.then(send);
    else send(r);
  });

  return {
    port,
    update(input: DnsInput) {
      zone = buildZone(input, Math.floor(clock.now() / 1000));
      clusterDNS = input.network.clusterDNS;
      memo.clear();
    },
    async close() {
      if (closed) return;
      closed = true;
      forwarder.close();
      udp.close();
      await tcp.close();
    },
  };
}
