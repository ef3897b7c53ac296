/** What the zone says to one question (pure): a reply, an alias to follow, or "not ours, forward it". */
import type { Answer, Question } from 'dns-packet';
import { canonicalName, ipOfDashedLabel, ipOfReverseName, isInZone } from './names.js';
import { clusterTtl, soaRecord, type Zone } from './zone.js';

export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED';

export interface Reply {
  rcode: Rcode;
  authoritative: boolean;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

export type Lookup =
  | { kind: 'reply'; reply: Reply }
  /** An ExternalName: the CNAME, and the name it points at, still to be resolved. */
  | { kind: 'alias'; cname: Answer; target: string }
  | { kind: 'forward' };

export function emptyReply(rcode: Rcode, authoritative = false): Reply {
  return { rcode, authoritative, answers: [], authorities: [], additionals: [] };
}

/** NXDOMAIN or NODATA, with the zone's SOA so that resolvers cache the answer for its minimum TTL. */
function negative(zone: Zone, owner: string, rcode: 'NOERROR' | 'NXDOMAIN'): Lookup {
  return { kind: 'reply', reply: { ...emptyReply(rcode, true), authorities: [soaRecord(owner, zone.domain, zone.serial)] } };
}

/** `a-b-c-d.<ns>.pod.<domain>`: answered for any address, as K3s's CoreDNS does (`pods insecure`). */
function podRecords(zone: Zone, name: string): Answer[] | undefined {
  const suffix = `.pod.${zone.domain}`;
  if (!name.endsWith(suffix)) return undefined;
  const labels = name.slice(0, -suffix.length).split('.');
  const ip = labels.length === 2 ? ipOfDashedLabel(labels[0]!) : null;
  return ip ? [{ name, type: 'A', ttl: clusterTtl, data: ip }] : undefined;
}

/** The A records of SRV targets, so that a client needs no second query. */
function srvTargets(zone: Zone, answers: Answer[]): Answer[] {
  const targets = new Set(answers.flatMap((a) => (a.type === 'SRV' ? [a.data.target] : [])));
  return [...targets].flatMap((t) => (zone.records.get(t) ?? []).filter((r) => r.type === 'A'));
}

function fromRecords(zone: Zone, q: Question, records: Answer[], negativeOwner: string): Lookup {
  // Decoded questions carry any type, ANY (255) included, which dns-packet's RecordType leaves out.
  const type: string = q.type;
  const cname = records.find((r) => r.type === 'CNAME');
  if (cname && cname.type === 'CNAME' && type !== 'CNAME' && type !== 'ANY') return { kind: 'alias', cname: { ...cname, name: q.name }, target: cname.data };
  const matching = type === 'ANY' ? records : records.filter((r) => r.type === type);
  if (matching.length === 0) return negative(zone, negativeOwner, 'NOERROR');
  // The owner is written as asked: resolvers that randomise the case of names (0x20) compare it.
  const answers = matching.map((r) => ({ ...r, name: q.name }) as Answer);
  return { kind: 'reply', reply: { rcode: 'NOERROR', authoritative: true, answers, authorities: [], additionals: srvTargets(zone, matching) } };
}

export function lookup(zone: Zone, q: Question): Lookup {
  const name = canonicalName(q.name);
  const inDomain = isInZone(name, zone.domain);
  const ip = inDomain ? null : ipOfReverseName(name);
  if (!inDomain && !(ip && zone.reverseRanges.check(ip, 'ipv4'))) return { kind: 'forward' };
  if (q.class !== undefined && q.class !== 'IN' && q.class !== 'ANY') return { kind: 'reply', reply: emptyReply('REFUSED') };
  const owner = inDomain ? zone.domain : 'in-addr.arpa';
  const records = zone.records.get(name) ?? (inDomain ? podRecords(zone, name) : undefined);
  if (!records) return negative(zone, owner, zone.names.has(name) ? 'NOERROR' : 'NXDOMAIN');
  return fromRecords(zone, q, records, owner);
}
