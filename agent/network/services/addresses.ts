/** IPv4 addresses and ranges as the Service rules write them into an nft script: checked first, never trusted. */
import { isIPv4 } from 'node:net';

export { isIPv4 };

/** `a.b.c.d/n` with a valid address and 0 ≤ n ≤ 32. */
export function isIPv4Cidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const bits = value.slice(slash + 1);
  return isIPv4(value.slice(0, slash)) && /^\d{1,2}$/.test(bits) && Number(bits) <= 32;
}

/** The address as a number, for ordering: 10.42.0.9 before 10.42.0.10. */
export function ipv4Number(ip: string): number {
  let n = 0;
  let octet = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      n = n * 256 + octet;
      octet = 0;
    } else octet = octet * 10 + (c - 48);
  }
  return n * 256 + octet;
}

export function compareIPv4(a: string, b: string): number {
  return ipv4Number(a) - ipv4Number(b);
}
