import { describe, expect, it } from 'vitest';
import { connectedSubnets, mtuOf, parseFdb, parseLinks, parseNeighbours, parseRoutes } from './host-state.js';

// Trimmed from iproute2 6.1's own output.
const links = JSON.stringify([
  { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mtu: 65536, address: '00:00:00:00:00:00', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
  {
    ifindex: 3,
    ifname: 'eth0',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    mtu: 1400,
    address: '5E:DC:4F:22:13:7F',
    linkinfo: { info_kind: 'veth' },
    addr_info: [
      { family: 'inet', local: '192.0.2.11', prefixlen: 24, scope: 'global' },
      { family: 'inet6', local: 'fe80::5cdc:4fff:fe22:137f', prefixlen: 64, scope: 'link' },
    ],
  },
  {
    ifindex: 4,
    ifname: 'kedge.vxlan',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    mtu: 1450,
    address: '02:6b:0a:2a:01:00',
    linkinfo: { info_kind: 'vxlan', info_data: { id: 1, local: '192.0.2.11', port_range: { low: 0, high: 0 }, port: 8472, learning: false, ttl: 0 } },
    addr_info: [{ family: 'inet', local: '10.42.1.0', prefixlen: 32, scope: 'global', label: 'kedge.vxlan' }],
  },
  {
    ifindex: 5,
    ifname: 'kedge0',
    flags: ['BROADCAST', 'MULTICAST'],
    mtu: 1500,
    address: 'd6:e0:12:61:13:d1',
    linkinfo: { info_kind: 'bridge', info_data: { forward_delay: 1500, stp_state: 0 } },
    addr_info: [{ family: 'inet', local: '10.42.1.1', prefixlen: 24, scope: 'global', label: 'kedge0' }],
  },
]);

describe('the node network as ip reports it', () => {
  it('reads links: kind, MTU, MAC, up, IPv4 addresses and the tunnel settings', () => {
    const l = parseLinks(links);
    expect(l.map((x) => x.name)).toEqual(['lo', 'eth0', 'kedge.vxlan', 'kedge0']);
    expect(l[1]).toEqual({ name: 'eth0', kind: 'veth', mtu: 1400, mac: '5e:dc:4f:22:13:7f', up: true, addresses: ['192.0.2.11/24'] });
    expect(l[2]).toMatchObject({ kind: 'vxlan', up: true, addresses: ['10.42.1.0/32'], vxlan: { vni: 1, port: 8472, local: '192.0.2.11', learning: false } });
    expect(l[3]).toMatchObject({ kind: 'bridge', up: false, addresses: ['10.42.1.1/24'] });
    expect(l[3]!.vxlan).toBeUndefined();
  });

  it('finds the connected subnets (not kedge\'s own, not loopback) and the uplink MTU', () => {
    const l = parseLinks(links);
    expect(connectedSubnets(l)).toEqual(['192.0.2.0/24']);
    expect(mtuOf(l, '192.0.2.11')).toBe(1400);
    expect(mtuOf(l, '192.0.2.99')).toBeUndefined();
  });

  it('reads routes, giving a host route its /32 and keeping onlink and the source address', () => {
    const text = JSON.stringify([
      { type: 'unreachable', dst: '10.42.0.0/16', flags: [] },
      { dst: '10.42.2.0/24', gateway: '10.42.2.0', dev: 'kedge.vxlan', flags: ['onlink'] },
      { dst: '10.42.5.5', gateway: '192.0.2.12', dev: 'eth0', flags: ['linkdown'] },
      { dst: '10.43.0.0/16', dev: 'kedge-svc', scope: 'link', prefsrc: '192.0.2.11', flags: [] },
    ]);
    expect(parseRoutes(text)).toEqual([
      { type: 'unreachable', dst: '10.42.0.0/16', onlink: false },
      { type: 'unicast', dst: '10.42.2.0/24', via: '10.42.2.0', dev: 'kedge.vxlan', onlink: true },
      { type: 'unicast', dst: '10.42.5.5/32', via: '192.0.2.12', dev: 'eth0', onlink: false },
      { type: 'unicast', dst: '10.43.0.0/16', dev: 'kedge-svc', onlink: false, src: '192.0.2.11' },
    ]);
    expect(parseRoutes('')).toEqual([]);
    expect(parseRoutes('[]')).toEqual([]);
  });

  it('reads the tunnel neighbours and forwarding entries', () => {
    expect(parseNeighbours('[{"dst":"10.42.2.0","lladdr":"02:6B:0a:2a:02:00","state":["PERMANENT"]},{"dst":"10.42.1.9","state":["FAILED"]}]')).toEqual([
      { ip: '10.42.2.0', mac: '02:6b:0a:2a:02:00', permanent: true },
      { ip: '10.42.1.9', permanent: false },
    ]);
    expect(parseFdb('[{"mac":"02:6b:0a:2a:02:00","dst":"192.0.2.12","flags":["self"],"state":"permanent"},{"mac":"33:33:00:00:00:01","flags":["self"],"state":"permanent"}]')).toEqual([
      { mac: '02:6b:0a:2a:02:00', dst: '192.0.2.12' },
      { mac: '33:33:00:00:00:01' },
    ]);
  });

  it('says which command printed something unexpected', () => {
    expect(() => parseRoutes('Error: garbage')).toThrow(/`ip -j route show` printed something that is not JSON/);
    expect(() => parseLinks('[{"ifname":1}]')).toThrow(/`ip -j -d addr show` printed JSON of an unexpected shape/);
  });
});
