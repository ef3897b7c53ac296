import { describe, expect, it } from 'vitest';
import { addressAt, cidrContains, compareIPv4, cidrSize, cidrsOverlap, formatCidr, formatIPv4, parseCidr, parseIPv4 } from './cidr.js';

describe('IPv4 and CIDR arithmetic', () => {
  it.each([
    ['0.0.0.0', 0],
    ['10.43.0.10', 0x0a2b000a],
    ['255.255.255.255', 0xffffffff],
    ['192.168.1.1', 0xc0a80101],
  ])('parses %s', (text, n) => {
    expect(parseIPv4(text)).toBe(n);
    expect(formatIPv4(n)).toBe(text);
  });

  it.each(['256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', 'a.b.c.d', '', '::1', ' 1.2.3.4'])('refuses %j', (text) => {
    expect(parseIPv4(text)).toBeUndefined();
  });

  it('parses ranges and refuses host bits, bad prefixes and IPv6', () => {
    expect(parseCidr('10.42.0.0/16')).toEqual({ base: 0x0a2a0000, bits: 16 });
    expect(formatCidr(parseCidr('10.42.3.0/24')!)).toBe('10.42.3.0/24');
    expect(parseCidr('0.0.0.0/0')).toEqual({ base: 0, bits: 0 });
    for (const bad of ['10.42.0.1/16', '10.42.0.0/33', '10.42.0.0', 'fd00::/64', '10.42.0.0/-1', '10.42.0.0/16/2']) expect(parseCidr(bad)).toBeUndefined();
  });

  it('answers containment, size, the n-th address and overlap', () => {
    const svc = parseCidr('10.43.0.0/16')!;
    expect(cidrSize(svc)).toBe(65536);
    expect(cidrContains(svc, parseIPv4('10.43.255.255')!)).toBe(true);
    expect(cidrContains(svc, parseIPv4('10.44.0.0')!)).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0')!, parseIPv4('8.8.8.8')!)).toBe(true);
    expect(formatIPv4(addressAt(svc, 10))).toBe('10.43.0.10');
    expect(cidrsOverlap(svc, parseCidr('10.42.0.0/16')!)).toBe(false);
    expect(cidrsOverlap(parseCidr('10.0.0.0/8')!, parseCidr('10.42.0.0/16')!)).toBe(true);
    expect(cidrsOverlap(parseCidr('10.42.0.0/16')!, parseCidr('10.0.0.0/8')!)).toBe(true);
  });

  it('orders addresses by number, other text after them', () => {
    expect(['10.42.0.10', 'b', '10.42.1.0', '10.42.0.9', 'a'].sort(compareIPv4)).toEqual(['10.42.0.9', '10.42.0.10', '10.42.1.0', 'a', 'b']);
  });
});
