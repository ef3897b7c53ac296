/**
 * The allocators, pure: a range, what is taken, and a random source in; one free value (or none) out.
 * What is taken lives in the store (server/network/claims.ts), written in the same transaction as the
 * object holding it, so these functions keep no state.
 */
import { addressAt, cidrSize, formatCidr, formatIPv4, type Cidr } from '../../shared/cidr.js';

export interface PortRange {
  min: number;
  max: number;
}

/**
 * Kubernetes keeps the low part of a range for values users ask for (the DNS address, NodePorts
 * written into manifests) and hands out random values from the rest first.
 */
function staticBand(size: number, divisor: number, cap: number): number {
  return Math.min(Math.max(16, Math.floor(size / divisor)), cap, size);
}

/** Walks offsets [from, to) starting at a random one and wrapping; the first that `free` accepts wins. */
function scan(from: number, to: number, random: () => number, free: (offset: number) => boolean): number | undefined {
  const n = to - from;
  if (n <= 0) return undefined;
  const start = Math.min(n - 1, Math.floor(random() * n));
  for (let i = 0; i < n; i++) {
    const offset = from + ((start + i) % n);
    if (free(offset)) return offset;
  }
  return undefined;
}

/**
 * A free ClusterIP of `range`: never its network or broadcast address, a taken one, or a `reserved`
 * one (the cluster DNS address). Upper band first, then the static band.
 */
export function pickAddress(range: Cidr, taken: ReadonlySet<string>, random: () => number, reserved: ReadonlySet<string> = new Set()): string | undefined {
  const size = cidrSize(range);
  const band = staticBand(size, 16, 256);
  const free = (offset: number) => {
    const ip = formatIPv4(addressAt(range, offset));
    return !taken.has(ip) && !reserved.has(ip);
  };
  const offset = scan(band, size - 1, random, free) ?? scan(1, Math.min(band, size - 1), random, free);
  return offset === undefined ? undefined : formatIPv4(addressAt(range, offset));
}

/** A free NodePort: upper band first, then the static band. */
export function pickPort(range: PortRange, taken: ReadonlySet<number>, random: () => number): number | undefined {
  const size = range.max - range.min + 1;
  const band = staticBand(size, 32, 128);
  const free = (offset: number) => !taken.has(range.min + offset);
  const offset = scan(band, size, random, free) ?? scan(0, band, random, free);
  return offset === undefined ? undefined : range.min + offset;
}

/** The first free /`bits` subnet of `range` (a node's pod range), or none when all are taken. */
export function pickSubnet(range: Cidr, bits: number, taken: ReadonlySet<string>): string | undefined {
  if (bits < range.bits) return undefined;
  const step = 2 ** (32 - bits);
  const count = cidrSize(range) / step;
  for (let i = 0; i < count; i++) {
    const cidr = formatCidr({ base: addressAt(range, i * step), bits });
    if (!taken.has(cidr)) return cidr;
  }
  return undefined;
}
