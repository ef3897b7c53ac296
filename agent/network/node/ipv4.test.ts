import { describe, expect, it } from 'vitest';
import { addressInRange, formatRange, inAnyRange, parseIpv4, parseRange, rangeContains } from './ipv4.js';

describe('IPv4 ranges', () => {
  it('parses addresses and rejects what is not one', () => {
    expect(parseIpv4('10.42.3.1')).toBe(0x0a2a0301);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['10.42.3', '10.42.3.256', 'a.b.c.d', '::1', '10.42.3.1 ']) expect(parseIpv4(bad)).toBeNull();
  });

  it('normalizes a range to its network address and finds addresses in it', () => {
    const r = parseRange('10.42.3.7/24')!;
    expect(formatRange(r)).toBe('10.42.3.0/24');
    expect(addressInRange(r, 1)).toBe('10.42.3.1');
    expect(rangeContains(r, parseIpv4('10.42.3.255')!)).toBe(true);
    expect(rangeContains(r, parseIpv4('10.42.4.0')!)).toBe(false);
    expect(formatRange(parseRange('0.0.0.0/0')!)).toBe('0.0.0.0/0');
    expect(rangeContains(parseRange('0.0.0.0/0')!, parseIpv4('203.0.113.9')!)).toBe(true);
    expect(parseRange('10.42.0.0/33')).toBeNull();
    expect(parseRange('10.42.0.0')).toBeNull();
  });

  it('tells whether an address is in any of several ranges', () => {
    expect(inAnyRange('10.43.0.10', ['10.42.0.0/16', '10.43.0.0/16'])).toBe(true);
    expect(inAnyRange('192.0.2.1', ['10.42.0.0/16', 'junk'])).toBe(false);
    expect(inAnyRange('fe80::1', ['0.0.0.0/0'])).toBe(false);
  });
});
