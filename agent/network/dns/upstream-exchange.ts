/** One question to one upstream resolver, over UDP or TCP: the only code of the forwarder that does I/O. */
import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import { decode, type DecodedPacket } from 'dns-packet';
import { KedgeError } from '../../../shared/errors.js';

export interface Upstream {
  address: string;
  port: number;
}

export interface Exchanged {
  message: DecodedPacket;
  /** Size on the wire, for the cache's bound. */
  bytes: number;
}

/** Sends `query` and settles with the first answer `accept` takes (the id and question match). */
export type Exchange = (u: Upstream, query: Buffer, accept: (m: DecodedPacket) => boolean, timeoutMs: number, signal: AbortSignal) => Promise<Exchanged>;

export function upstreamLabel(u: Upstream): string {
  return isIPv6(u.address) ? `[${u.address}]:${u.port}` : `${u.address}:${u.port}`;
}

function decodeOrNull(buf: Buffer): DecodedPacket | null {
  try {
    return decode(buf);
  } catch {
    return null;
  }
}

/** Settles once; clears the timer, the abort listener and the socket whichever way it ends. */
function settleOnce<T>(u: Upstream, timeoutMs: number, signal: AbortSignal, cleanup: () => void, resolve: (v: T) => void, reject: (e: Error) => void) {
  let done = false;
  const finish = (err: Error | null, value?: T) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    cleanup();
    if (err) reject(err);
    else resolve(value as T);
  };
  const timer = setTimeout(() => finish(new KedgeError('Timeout', `DNS upstream ${upstreamLabel(u)}: no answer within ${timeoutMs} ms`)), timeoutMs);
  const onAbort = () => finish(new KedgeError('ServiceUnavailable', `DNS upstream ${upstreamLabel(u)}: the cluster DNS is closing`));
  signal.addEventListener('abort', onAbort);
  if (signal.aborted) onAbort();
  return finish;
}

/** UDP from a fresh socket, so every query leaves from a new random port (spoofed answers must guess it). */
export const exchangeUdp: Exchange = (u, query, accept, timeoutMs, signal) =>
  new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(u.address) ? 'udp6' : 'udp4');
    const finish = settleOnce<Exchanged>(u, timeoutMs, signal, () => socket.close(), resolve, reject);
    socket.on('error', (e) => finish(new KedgeError('ServiceUnavailable', `DNS upstream ${upstreamLabel(u)}: ${e.message}`, { cause: e })));
    // A connected socket takes datagrams from the upstream only, and learns of a closed port at once.
    socket.on('message', (msg) => {
      const m = decodeOrNull(msg);
      if (m && accept(m)) finish(null, { message: m, bytes: msg.length });
    });
    socket.connect(u.port, u.address, () => socket.send(query, (e) => e && finish(e)));
  });

/** TCP, for answers that did not fit a datagram: a two-byte length, then the message. */
export const exchangeTcp: Exchange = (u, query, accept, timeoutMs, signal) =>
  new Promise((resolve, reject) => {
    const socket = connect({ host: u.address, port: u.port });
    const finish = settleOnce<Exchanged>(u, timeoutMs, signal, () => socket.destroy(), resolve, reject);
    socket.on('error', (e) => finish(new KedgeError('ServiceUnavailable', `DNS upstream ${upstreamLabel(u)} (TCP): ${e.message}`, { cause: e })));
    socket.on('close', () => finish(new KedgeError('ServiceUnavailable', `DNS upstream ${upstreamLabel(u)} (TCP): closed before answering`)));
    const framed = Buffer.alloc(2 + query.length);
    framed.writeUInt16BE(query.length, 0);
    query.copy(framed, 2);
    socket.write(framed);
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
      const msg = received.subarray(2, 2 + received.readUInt16BE(0));
      const m = decodeOrNull(msg);
      if (m && accept(m)) finish(null, { message: m, bytes: msg.length });
      else finish(new KedgeError('ServiceUnavailable', `DNS upstream ${upstreamLabel(u)} (TCP): an answer that is not to the question asked`));
    });
  });
