import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { localAddresses } from './local-addresses.js';

const iface = (address: string, family: 'IPv4' | 'IPv6'): NetworkInterfaceInfo =>
  ({ address, family, netmask: '', mac: '00:00:00:00:00:00', internal: false, cidr: null, scopeid: 0 }) as NetworkInterfaceInfo;

describe('localAddresses', () => {
  it('lists IPv4 and IPv6 addresses, loopback included, without link-local IPv6 or duplicates', () => {
    const out = localAddresses({
      lo: [iface('127.0.0.1', 'IPv4'), iface('::1', 'IPv6')],
      eth0: [iface('192.168.1.5', 'IPv4'), iface('fe80::1', 'IPv6'), iface('2001:db8::5', 'IPv6')],
      veth1: [iface('FE80::abcd', 'IPv6')],
      dup: [iface('192.168.1.5', 'IPv4')],
    });
    expect(out).toEqual(['127.0.0.1', '::1', '192.168.1.5', '2001:db8::5']);
  });

  it('reads this host by default', () => {
    expect(localAddresses()).toContain('127.0.0.1');
  });
});
