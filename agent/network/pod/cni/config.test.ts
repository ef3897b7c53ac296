import { describe, expect, it } from 'vitest';
import { cidrContains, loopbackList, parseCidr, podNetworkList, releaseLeaseConfig } from './config.js';

const facts = { bridge: 'kedge0', podCIDR: '10.42.3.0/24', mtu: 1450 };

describe('the pod network configuration', () => {
  it('is the bridge plugin as the pods gateway, without ipMasq, over host-local on the pod range', () => {
    expect(podNetworkList({ name: 'kedge', cniVersion: '1.0.0', facts, ipamDataDir: '/var/lib/kedge/agent/network/ipam' })).toEqual({
      cniVersion: '1.0.0',
      name: 'kedge',
      plugins: [
        {
          type: 'bridge',
          bridge: 'kedge0',
          isGateway: true,
          isDefaultGateway: true,
          ipMasq: false,
          hairpinMode: true,
          mtu: 1450,
          ipam: { type: 'host-local', ranges: [[{ subnet: '10.42.3.0/24' }]], dataDir: '/var/lib/kedge/agent/network/ipam' },
        },
      ],
    });
  });

  it.each([
    [{ podCIDR: '10.42.3.7/24' }, null],
    [{ podCIDR: '10.42.3.0/31' }, /pod range "10.42.3.0\/31"/],
    [{ podCIDR: 'fd00::/64' }, /pod range/],
    [{ bridge: 'a-very-long-bridge-name' }, /bridge name/],
    [{ mtu: 100 }, /pod MTU 100/],
  ])('checks %j', (over, error) => {
    const build = () => podNetworkList({ name: 'kedge', cniVersion: '1.0.0', facts: { ...facts, ...over }, ipamDataDir: '/d' });
    if (error) expect(build).toThrow(error);
    else expect(build().plugins[0]!.ipam).toMatchObject({ ranges: [[{ subnet: '10.42.3.0/24' }]] });
  });

  it('keeps loopback in a list of its own', () => {
    expect(loopbackList('0.4.0')).toEqual({ cniVersion: '0.4.0', name: 'kedge-loopback', plugins: [{ type: 'loopback' }] });
  });

  it('frees a stray lease through host-local with any valid range', () => {
    expect(releaseLeaseConfig({ cniVersion: '1.0.0', network: 'kedge', ip: '10.42.9.77', ipamDataDir: '/d' })).toEqual({ cniVersion: '1.0.0', name: 'kedge', ipam: { type: 'host-local', ranges: [[{ subnet: '10.42.9.0/24' }]], dataDir: '/d' } });
  });
});

describe('IPv4 ranges', () => {
  it.each([
    ['10.42.3.0/24', '10.42.3.9', true],
    ['10.42.3.0/24', '10.42.4.1', false],
    ['10.42.0.0/16', '10.42.200.1', true],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['10.42.3.0/24', '10.42.3', false],
    ['bad', '10.42.3.1', false],
  ])('%s contains %s: %s', (cidr, ip, want) => {
    expect(cidrContains(cidr, ip)).toBe(want);
  });

  it('parses only real CIDRs', () => {
    expect(parseCidr('10.42.3.7/24')).toEqual({ network: (10 << 24) + (42 << 16) + (3 << 8), prefixLength: 24 });
    for (const bad of ['10.42.3.0', '10.42.3.0/33', '10.42.3.256/24', '10.42.3.0/24/1', '10.42.3.0/x']) expect(parseCidr(bad)).toBeUndefined();
  });
});
