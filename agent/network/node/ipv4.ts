/** IPv4 addresses and ranges as unsigned 32-bit numbers, for the node's routes. */
export interface Ipv4Range {
  /** The network address (host bits cleared). */
  base: number;
  prefix: number;
}

export function parseIpv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** "10.42.3.7/24" → 10.42.3.0/24; null unless it is an IPv4 range. */
export function parseRange(text: string): Ipv4Range | null {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  if (!m) return null;
  const ip = parseIpv4(m[1]!);
  const prefix = Number(m[2]);
  if (ip === null || prefix > 32) return null;
  return { base: (ip & mask(prefix)) >>> 0, prefix };
}

export function formatRange(r: Ipv4Range): string {
  return `${formatIpv4(r.base)}/${r.prefix}`;
}

export function rangeContains(r: Ipv4Range, ip: number): boolean {
  return ((ip & mask(r.prefix)) >>> 0) === r.base;
}

/** The n-th address of the range (0 = the network address). */
export function addressInRange(r: Ipv4Range, n: number): string {
  return formatIpv4((r.base + n) >>> 0);
}

/** Whether a text address lies in any of the ranges (given as text; invalid ones match nothing). */
export function inAnyRange(ip: string, ranges: string[]): boolean {
  const n = parseIpv4(ip);
  if (n === null) return false;
  return ranges.some((text) => {
    const r = parseRange(text);
    return r !== null && rangeContains(r, n);
  });
}
