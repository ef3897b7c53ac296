import { networkInterfaces } from 'node:os';

type Interfaces = ReturnType<typeof networkInterfaces>;

/**
 * Every address of this host, IPv4 and IPv6, loopback included. IPv6 link-local (fe80::/10)
 * addresses are left out: they are unusable in a URL without a zone, and a new one appears with
 * every veth pair, which would re-issue the server certificate at each start.
 */
export function localAddresses(interfaces: Interfaces = networkInterfaces()): string[] {
  const out = new Set<string>();
  for (const list of Object.values(interfaces)) {
    for (const a of list ?? []) {
      if (a.family === 'IPv6' && /^fe[89ab]/i.test(a.address)) continue;
      out.add(a.address);
    }
  }
  return [...out];
}
