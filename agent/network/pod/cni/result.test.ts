import { describe, expect, it } from 'vitest';
import { podAddress, supportedVersions } from './result.js';

describe('podAddress', () => {
  it('takes the address on the pod interface inside the namespace', () => {
    const result = {
      cniVersion: '1.0.0',
      interfaces: [{ name: 'kedge0', mac: 'aa' }, { name: 'veth1', mac: 'bb' }, { name: 'eth0', mac: 'cc', sandbox: '/ns/p' }],
      ips: [
        { interface: 0, address: '10.42.3.1/24' },
        { interface: 2, address: '10.42.3.7/24', gateway: '10.42.3.1' },
      ],
    };
    expect(podAddress(result, 'eth0', '/ns/p')).toEqual({ ip: '10.42.3.7', prefixLength: 24, gateway: '10.42.3.1' });
  });

  it('reads 0.4.0 results and skips IPv6 addresses', () => {
    const result = { cniVersion: '0.4.0', ips: [{ version: '6', address: 'fd00::5/64' }, { version: '4', address: '10.42.3.8/24' }] };
    expect(podAddress(result, 'eth0', '/ns/p').ip).toBe('10.42.3.8');
  });

  it('says what is wrong with a result without an IPv4 address', () => {
    expect(() => podAddress({ cniVersion: '1.0.0', ips: [] }, 'eth0', '/ns/p')).toThrow(/gives the pod no IPv4 address/);
    expect(() => podAddress('nonsense', 'eth0', '/ns/p')).toThrow(/not a result object/);
  });

  it('reads the versions a plugin supports', () => {
    expect(supportedVersions({ cniVersion: '1.0.0', supportedVersions: ['0.4.0', '1.0.0'] })).toEqual(['0.4.0', '1.0.0']);
    expect(supportedVersions({})).toEqual([]);
  });
});
