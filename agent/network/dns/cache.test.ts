import { describe, expect, it } from 'vitest';
import type { Answer } from 'dns-packet';
import { emptyReply, type Reply } from './answer.js';
import { cacheKey, cacheSeconds, createReplyCache, defaultCacheLimits } from './cache.js';

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const a = (name: string, ttl: number): Answer => ({ name, type: 'A', ttl, data: '192.0.2.1' });
const positive = (...answers: Answer[]): Reply => ({ ...emptyReply('NOERROR'), answers });
const soa = (ttl: number, minimum: number): Answer => ({ name: 'example', type: 'SOA', ttl, data: { mname: 'ns.example', rname: 'h.example', minimum } });
const negative = (rcode: 'NXDOMAIN' | 'NOERROR', authority?: Answer): Reply => ({ ...emptyReply(rcode), authorities: authority ? [authority] : [] });

describe('how long a reply is kept', () => {
  it.each<[string, Reply, number]>([
    ['the smallest answer TTL', positive(a('x', 20), a('x', 12)), 12],
    ['at most 30 s', positive(a('x', 86400)), 30],
    ['TTL 0: not at all', positive(a('x', 0)), 0],
    ['NXDOMAIN: the SOA minimum, at most 5 s', negative('NXDOMAIN', soa(3600, 900)), 5],
    ['NXDOMAIN with a short SOA TTL', negative('NXDOMAIN', soa(2, 900)), 2],
    ['NODATA: like NXDOMAIN', negative('NOERROR', soa(60, 3)), 3],
    ['a negative answer without SOA: not at all (RFC 2308)', negative('NXDOMAIN'), 0],
    ['SERVFAIL: never', emptyReply('SERVFAIL'), 0],
    ['REFUSED: never', emptyReply('REFUSED'), 0],
  ])('%s', (_, reply, seconds) => {
    expect(cacheSeconds(reply, defaultCacheLimits)).toBe(seconds);
  });
});

describe('the reply cache', () => {
  it('counts TTLs down and forgets an entry when it expires', () => {
    const c = clock();
    const cache = createReplyCache(c);
    cache.set('k', positive(a('x', 10)), 100);
    c.advance(3_500);
    expect(cache.get('k')!.answers).toEqual([a('x', 7)]);
    c.advance(6_500);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('serves long TTLs no longer than it keeps them', () => {
    const c = clock();
    const cache = createReplyCache(c);
    cache.set('k', { ...positive(a('x', 3600)), additionals: [a('ns', 86400)] }, 100);
    c.advance(10_000);
    const r = cache.get('k')!;
    expect(r.answers).toEqual([a('x', 20)]);
    expect(r.additionals).toEqual([a('ns', 20)]);
  });

  it('is bounded: the least recently used entry goes first', () => {
    const c = clock();
    const cache = createReplyCache(c, { ...defaultCacheLimits, maxEntries: 2 });
    cache.set('one', positive(a('1', 30)), 100);
    cache.set('two', positive(a('2', 30)), 100);
    expect(cache.get('one')).toBeDefined();
    cache.set('three', positive(a('3', 30)), 100);
    expect(cache.size).toBe(2);
    expect(cache.get('two')).toBeUndefined();
    expect(cache.get('one')).toBeDefined();
    expect(cache.get('three')).toBeDefined();
  });

  it('keeps no large messages and no failures', () => {
    const cache = createReplyCache(clock());
    cache.set('big', positive(a('x', 30)), defaultCacheLimits.maxMessageBytes + 1);
    cache.set('fail', emptyReply('SERVFAIL'), 50);
    expect(cache.size).toBe(0);
  });

  it('keys names case-insensitively, by type and class', () => {
    expect(cacheKey('Example.COM', 'A', undefined)).toBe(cacheKey('example.com', 'A', 'IN'));
    expect(cacheKey('example.com', 'A', 'IN')).not.toBe(cacheKey('example.com', 'AAAA', 'IN'));
  });
});
