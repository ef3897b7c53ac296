import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { apiAddress } from './api-address.js';

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({ address, family: 'IPv4', internal, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: `${address}/24` });

describe('apiAddress', () => {
  const ranges = ['10.42.0.0/16', '10.43.0.0/16'];
  it('is the bind address when that is one IPv4 address', () => {
    expect(apiAddress('192.0.2.7', ranges, {})).toBe('192.0.2.7');
  });

  it('else the first external IPv4 address outside the cluster ranges, else loopback', () => {
    const ifaces = { lo: [v4('127.0.0.1', true)], kedge0: [v4('10.42.0.1')], eth0: [v4('192.0.2.10')] };
    expect(apiAddress('0.0.0.0', ranges, ifaces)).toBe('192.0.2.10');
    expect(apiAddress('::', ranges, { lo: [v4('127.0.0.1', true)] })).toBe('127.0.0.1');
  });
});
