/**
 * One question to one reply: the zone answers the cluster's names, the forwarder the rest; an
 * ExternalName's target is resolved too, as CoreDNS does, so that a client needs one query.
 */
import type { Answer, Question } from 'dns-packet';
import { emptyReply, lookup, type Reply } from './answer.js';
import type { Forwarder } from './forwarder.js';
import { canonicalName, isInZone } from './names.js';
import type { Zone } from './zone.js';

/** CNAME chains through ExternalNames longer than this are cut (a loop of two Services, say). */
const maxAliasDepth = 8;

export interface Resolver {
  /** Synchronous for the cluster's own names: most questions take no promise. */
  resolve(q: Question): Reply | Promise<Reply>;
}

function aliasOnly(chain: Answer[]): Reply {
  return { ...emptyReply('NOERROR', true), answers: chain };
}

export function createResolver(o: { zone: () => Zone | null; domain: () => string; forwarder: Forwarder }): Resolver {
  function follow(zone: Zone, q: Question, chain: Answer[]): Reply | Promise<Reply> {
    const found = lookup(zone, q);
    switch (found.kind) {
      case 'reply':
        return chain.length ? { ...found.reply, answers: [...chain, ...found.reply.answers] } : found.reply;
      case 'alias':
        if (chain.length + 1 >= maxAliasDepth) return aliasOnly([...chain, found.cname]);
        return follow(zone, { ...q, name: found.target }, [...chain, found.cname]);
      case 'forward':
        if (!chain.length) return o.forwarder.resolve(q);
        // The target failed upstream: the CNAME alone still lets the client try itself.
        return o.forwarder.resolve(q).then((r) => (r.rcode === 'SERVFAIL' || r.rcode === 'REFUSED' ? aliasOnly(chain) : { ...r, answers: [...chain, ...r.answers] }));
    }
  }

  return {
    resolve(q) {
      const zone = o.zone();
      if (zone) return follow(zone, q, []);
      // Not synced yet: an NXDOMAIN now would be cached by clients for a name that exists.
      if (isInZone(canonicalName(q.name), canonicalName(o.domain()))) return emptyReply('SERVFAIL');
      return o.forwarder.resolve(q);
    },
  };
}
