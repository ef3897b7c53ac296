import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import type os from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeAddresses } from './addresses.js';
import { currentNodeAddresses, defaultNodeIP, defaultRouteInterface } from './node-ip.js';

const info = (address: string, family: 'IPv4' | 'IPv6' = 'IPv4', internal = false) =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as os.NetworkInterfaceInfo;

/** A Pi with a wired and a wireless uplink, after kedge set up its network and started a pod. */
const ifaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = {
  lo: [info('127.0.0.1', 'IPv4', true)],
  kedge0: [info('10.42.1.1')],
  'kedge-svc': [info('10.43.0.10')],
  'kedge.vxlan': [info('10.42.1.0')],
  veth1a2b3c4d: [info('fe80::aa', 'IPv6')],
  cni0: [info('10.42.9.1')],
  eth0: [info('192.168.1.20'), info('fe80::1', 'IPv6')],
  wlan0: [info('192.168.7.30'), info('2001:db8::30', 'IPv6')],
};

const procRoute = [
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
  'eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0',
  'wlan0\t00000000\t0107A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0',
  'eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0',
  'eth1\t00000000\t0101A8C0\t0002\t0\t0\t1\t00000000\t0\t0\t0',
  '',
].join('\n');

describe('node IP', () => {
  it('finds the default route with the lowest metric that is up', () => {
    expect(defaultRouteInterface(procRoute)).toBe('eth0');
    expect(defaultRouteInterface(procRoute.split('\n').slice(0, 2).join('\n'))).toBeUndefined();
    expect(defaultRouteInterface('')).toBeUndefined();
  });

  it("defaults to the default-route interface's address, else the first address that is not kedge's", () => {
    expect(defaultNodeIP(ifaces, 'wlan0')).toBe('192.168.7.30');
    // cni0 is not kedge's, but a leftover of another network plugin in the cluster range is no node address either
    expect(defaultNodeIP(ifaces, undefined, ['10.42.0.0/16'])).toBe('192.168.1.20');
    expect(defaultNodeIP(ifaces, undefined)).toBe('10.42.9.1');
    expect(defaultNodeIP({ lo: ifaces.lo, kedge0: ifaces.kedge0, eth0: ifaces.eth0 }, undefined)).toBe('192.168.1.20');
    expect(defaultNodeIP({ lo: ifaces.lo }, 'eth0')).toBeUndefined();
  });

  it("reports the node IP first and leaves out kedge's interfaces and the cluster ranges", () => {
    const exclude = ['10.42.0.0/16', '10.43.0.0/16'];
    expect(nodeAddresses(ifaces, { nodeIP: '192.168.7.30', exclude })).toEqual(['192.168.7.30', '192.168.1.20', '2001:db8::30', 'fe80::1']);
    // Without the ranges, a foreign bridge in them still shows (only kedge's own interfaces are known by name).
    expect(nodeAddresses(ifaces, { nodeIP: '192.168.1.20' })).toEqual(['192.168.1.20', '10.42.9.1', '192.168.7.30', '2001:db8::30', 'fe80::1']);
  });

  it('reads the default route from /proc, and --node-ip wins over it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'kedge-nodeip-'));
    await mkdir(join(root, 'proc/net'), { recursive: true });
    await writeFile(join(root, 'proc/net/route'), procRoute);
    const exclude = () => ['10.42.0.0/16', '10.43.0.0/16'];
    expect(currentNodeAddresses({ root, exclude, interfaces: () => ifaces })[0]).toBe('192.168.1.20');
    expect(currentNodeAddresses({ root, exclude, interfaces: () => ifaces, given: '192.168.7.30' }).slice(0, 2)).toEqual(['192.168.7.30', '192.168.1.20']);
    // No /proc: the first address that is neither kedge's nor loopback.
    expect(currentNodeAddresses({ root: join(root, 'none'), interfaces: () => ({ lo: ifaces.lo, eth0: ifaces.eth0 }) })[0]).toBe('192.168.1.20');
  });
});
