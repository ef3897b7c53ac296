/** IPv4 addresses and ranges as numbers: what the pod-range, ClusterIP and route code compute with. */

export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  bits: number;
}

/** "10.43.0.10" → 170590218; undefined when the text is not a dotted-quad IPv4 address. */
export function parseIPv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map((p) => (p.length > 1 && p.startsWith('0') ? NaN : Number(p)));
  if (parts.some((p) => !(p >= 0 && p <= 255))) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** Numeric order of IPv4 addresses (text order would put 10.42.0.10 before 10.42.0.9); other text sorts after, as text. */
export function compareIPv4(a: string, b: string): number {
  const x = parseIPv4(a);
  const y = parseIPv4(b);
  if (x !== undefined && y !== undefined) return x - y;
  if (x !== undefined || y !== undefined) return x !== undefined ? -1 : 1;
  return a.localeCompare(b);
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** "10.42.0.0/16" → { base, bits }; undefined for anything else, host bits set included (as Kubernetes refuses them). */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const base = parseIPv4(m[1]!);
  const bits = Number(m[2]);
  if (base === undefined || bits > 32) return undefined;
  if ((base & ~maskOf(bits)) >>> 0 !== 0) return undefined;
  return { base, bits };
}

export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.base)}/${c.bits}`;
}

function maskOf(bits: number): number {
  return bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
}

/** How many addresses the range holds. */
export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.bits);
}

export function cidrContains(c: Cidr, ip: number): boolean {
  return ((ip & maskOf(c.bits)) >>> 0) === c.base;
}

/** The n-th address of the range (0 is the network address). */
export function addressAt(c: Cidr, n: number): number {
  return (c.base + n) >>> 0;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b.base) || cidrContains(b, a.base);
}
