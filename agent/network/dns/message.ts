/** Replies on the wire: header flags, EDNS, and the size a client takes (truncation sets TC). */
import { AUTHORITATIVE_ANSWER, encode, encodingLength, RECURSION_AVAILABLE, RECURSION_DESIRED, TRUNCATED_RESPONSE, type Answer, type DecodedPacket, type OptAnswer, type Packet } from 'dns-packet';
import type { Rcode, Reply } from './answer.js';

/** The EDNS payload size DNS Flag Day 2020 settled on: no IP fragments on any usual path. */
export const ednsPayloadSize = 1232;
/** Without EDNS a UDP answer is at most 512 bytes (RFC 1035). */
export const classicUdpSize = 512;
export const tcpMaxMessage = 65535;

const rcodeNumber: Record<Rcode, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };
const opcodeMask = 0xf << 11;
/** Header bits of the query an answer repeats. */
const echoedFlags = opcodeMask | RECURSION_DESIRED;

export function opcodeOf(query: DecodedPacket): number {
  return (query.flags! & opcodeMask) >> 11;
}

function optOf(query: DecodedPacket): OptAnswer | undefined {
  return query.additionals?.find((a): a is OptAnswer => a.type === 'OPT');
}

/** The largest answer a client takes over UDP: 512 bytes, or what its EDNS record offers (within 512…1232). */
export function udpLimit(query: DecodedPacket): number {
  const opt = optOf(query);
  return opt ? Math.min(ednsPayloadSize, Math.max(classicUdpSize, opt.udpPayloadSize)) : classicUdpSize;
}

/** Bytes one record takes in a message (dns-packet writes names uncompressed, so this is exact). */
function recordBytes(r: Answer): number {
  return encodingLength({ answers: [r] }) - 12;
}

/**
 * Keeps as many whole records as fit: additional records go first and need no TC bit; answers or
 * authority records left out set it (RFC 2181 §9), and the client asks again over TCP.
 */
function fit(packet: Packet, maxBytes: number, opt: Answer[]): Packet {
  let budget = maxBytes - encodingLength({ questions: packet.questions, additionals: opt });
  const take = (list: Answer[]) => {
    const kept: Answer[] = [];
    for (const r of list) {
      const size = recordBytes(r);
      if (size > budget) break;
      budget -= size;
      kept.push(r);
    }
    return kept;
  };
  const answers = take(packet.answers ?? []);
  const authorities = answers.length === packet.answers?.length ? take(packet.authorities ?? []) : [];
  const complete = answers.length === packet.answers?.length && authorities.length === packet.authorities?.length;
  const additionals = complete ? take((packet.additionals ?? []).filter((a) => a.type !== 'OPT')) : [];
  return { ...packet, flags: packet.flags! | (complete ? 0 : TRUNCATED_RESPONSE), answers, authorities, additionals: [...additionals, ...opt] };
}

export function encodeReply(query: DecodedPacket, reply: Reply, maxBytes: number): Buffer {
  const opt: Answer[] = optOf(query) ? [{ type: 'OPT', name: '.', udpPayloadSize: ednsPayloadSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [];
  const flags = (query.flags! & echoedFlags) | RECURSION_AVAILABLE | (reply.authoritative ? AUTHORITATIVE_ANSWER : 0) | rcodeNumber[reply.rcode];
  const packet: Packet = {
    id: query.id,
    type: 'response',
    flags,
    questions: query.questions,
    answers: reply.answers,
    authorities: reply.authorities,
    additionals: [...reply.additionals, ...opt],
  };
  return encode(encodingLength(packet) <= maxBytes ? packet : fit(packet, maxBytes, opt));
}
