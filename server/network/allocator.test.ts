import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCidr, parseIPv4 } from '../../shared/cidr.js';
import { seededRandom } from '../controllers/testing/cluster.js';
import { pickAddress, pickPort, pickSubnet } from './allocator.js';

describe('pickAddress', () => {
  it('hands out every usable address of a small range once, never the network, broadcast or reserved one', () => {
    const range = parseCidr('10.43.0.0/28')!;
    const taken = new Set<string>();
    const random = seededRandom(7);
    for (let i = 0; i < 13; i++) {
      const ip = pickAddress(range, taken, random, new Set(['10.43.0.10']))!;
      expect(ip).toBeDefined();
      expect(taken.has(ip)).toBe(false);
      taken.add(ip);
    }
    expect(taken.has('10.43.0.0')).toBe(false);
    expect(taken.has('10.43.0.15')).toBe(false);
    expect(taken.has('10.43.0.10')).toBe(false);
    expect(pickAddress(range, taken, random, new Set(['10.43.0.10']))).toBeUndefined();
  });

  it('takes random addresses above the static band first (addresses users ask for live below it)', () => {
    const range = parseCidr('10.43.0.0/16')!;
    const random = seededRandom(3);
    for (let i = 0; i < 200; i++) {
      const ip = parseIPv4(pickAddress(range, new Set(), random)!)!;
      expect(ip - range.base).toBeGreaterThanOrEqual(256);
      expect(ip - range.base).toBeLessThan(65535);
    }
    // Upper band full: the static band is used rather than failing.
    const upper = new Set<string>();
    const small = parseCidr('10.43.0.0/24')!; // band of 16
    for (let o = 16; o < 255; o++) upper.add(`10.43.0.${o}`);
    expect(parseIPv4(pickAddress(small, upper, random)!)! - small.base).toBeLessThan(16);
  });

  it('never returns a taken address (property)', () => {
    const range = parseCidr('10.43.0.0/26')!;
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 62 }), { maxLength: 62 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (offsets, r) => {
        const taken = new Set(offsets.map((o) => `10.43.0.${o}`));
        const ip = pickAddress(range, taken, () => r);
        if (taken.size === 62) return ip === undefined;
        return ip !== undefined && !taken.has(ip) && ip !== '10.43.0.0' && ip !== '10.43.0.63';
      }),
    );
  });
});

describe('pickPort', () => {
  it('hands out each port of the range once, then none', () => {
    const taken = new Set<number>();
    const random = seededRandom(1);
    for (let i = 0; i < 10; i++) {
      const p = pickPort({ min: 30000, max: 30009 }, taken, random)!;
      expect(p).toBeGreaterThanOrEqual(30000);
      expect(p).toBeLessThanOrEqual(30009);
      expect(taken.has(p)).toBe(false);
      taken.add(p);
    }
    expect(pickPort({ min: 30000, max: 30009 }, taken, random)).toBeUndefined();
  });

  it('takes ports above the static band of the default range first', () => {
    const random = seededRandom(2);
    for (let i = 0; i < 100; i++) expect(pickPort({ min: 30000, max: 32767 }, new Set(), random)).toBeGreaterThanOrEqual(30086);
  });
});

describe('pickSubnet', () => {
  it('gives the first free /24 and none when the range is used up', () => {
    const range = parseCidr('10.42.0.0/23')!;
    expect(pickSubnet(range, 24, new Set())).toBe('10.42.0.0/24');
    expect(pickSubnet(range, 24, new Set(['10.42.0.0/24']))).toBe('10.42.1.0/24');
    expect(pickSubnet(range, 24, new Set(['10.42.1.0/24']))).toBe('10.42.0.0/24');
    expect(pickSubnet(range, 24, new Set(['10.42.0.0/24', '10.42.1.0/24']))).toBeUndefined();
    expect(pickSubnet(parseCidr('10.42.0.0/16')!, 24, new Set(Array.from({ length: 255 }, (_, i) => `10.42.${i}.0/24`)))).toBe('10.42.255.0/24');
  });
});
