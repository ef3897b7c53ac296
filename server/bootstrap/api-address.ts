import { isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { parseCidr, parseIPv4, cidrContains } from '../../shared/cidr.js';

type Interfaces = ReturnType<typeof networkInterfaces>;

/**
 * The address pods reach the API at, the `kubernetes` Service's endpoint: the bind address when it is
 * one IPv4 address, else this host's first external IPv4 address outside the cluster's own ranges
 * (pod bridges and tunnels hold addresses of those), else loopback.
 */
export function apiAddress(bindAddress: string, ownRanges: string[], interfaces: Interfaces = networkInterfaces()): string {
  if (isIPv4(bindAddress) && bindAddress !== '0.0.0.0') return bindAddress;
  const ranges = ownRanges.map((r) => parseCidr(r)).filter((r) => r !== undefined);
  for (const list of Object.values(interfaces)) {
    for (const a of list ?? []) {
      if (a.internal || a.family !== 'IPv4') continue;
      const ip = parseIPv4(a.address);
      if (ip !== undefined && !ranges.some((r) => cidrContains(r, ip))) return a.address;
    }
  }
  return '127.0.0.1';
}
