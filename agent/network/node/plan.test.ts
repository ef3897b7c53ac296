import { describe, expect, it } from 'vitest';
import type { NodeNetworkFacts } from '../types.js';
import { planRoutes } from './plan.js';
import { testNetwork } from './testing/network.js';

const facts = (mtu = 1500): NodeNetworkFacts => ({ nodeName: 'edge-1', nodeIPs: ['192.0.2.11'], internalIP: '192.0.2.11', podCIDR: '10.42.1.0/24', bridge: 'kedge0', mtu });
const connected = ['192.0.2.0/24'];

describe('planRoutes', () => {
  it('host-gw: a route via each other node on a connected subnet, a warning for the rest', () => {
    const plan = planRoutes(testNetwork('host-gw'), { facts: facts(), connected });
    expect(plan.links).toEqual([
      { name: 'kedge0', kind: 'bridge', addresses: ['10.42.1.1/24'], mtu: 1500 },
      { name: 'kedge-svc', kind: 'dummy', addresses: ['10.43.0.10/32'] },
    ]);
    expect(plan.routes).toEqual([
      { type: 'unreachable', dst: '10.42.0.0/16' },
      { type: 'unicast', dst: '10.43.0.0/16', dev: 'kedge-svc', src: '192.0.2.11' },
      { type: 'unicast', dst: '10.42.2.0/24', via: '192.0.2.12' },
    ]);
    expect(plan.neighbours).toEqual([]);
    expect(plan.fdb).toEqual([]);
    expect(plan.sysctls).toEqual({ 'net.ipv4.ip_forward': '1' });
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toMatch(/node edge-3: not routed, its address 198\.51\.100\.13 is not on a subnet of this node; host-gw needs all nodes on one L2 segment \(start the server with --network-backend vxlan\)/);
  });

  it('vxlan: the tunnel device and, per other node, a route through it, a neighbour and a forwarding entry to its address', () => {
    const plan = planRoutes(testNetwork('vxlan'), { facts: facts(1450), connected });
    expect(plan.links[2]).toEqual({
      name: 'kedge.vxlan',
      kind: 'vxlan',
      addresses: ['10.42.1.0/32'],
      mtu: 1450,
      mac: '02:6b:0a:2a:01:00',
      vxlan: { vni: 1, port: 8472, local: '192.0.2.11' },
    });
    expect(plan.routes.slice(2)).toEqual([
      { type: 'unicast', dst: '10.42.2.0/24', via: '10.42.2.0', dev: 'kedge.vxlan', onlink: true },
      { type: 'unicast', dst: '10.42.3.0/24', via: '10.42.3.0', dev: 'kedge.vxlan', onlink: true },
    ]);
    expect(plan.neighbours).toEqual([
      { ip: '10.42.2.0', mac: '02:6b:0a:2a:02:00', dev: 'kedge.vxlan' },
      { ip: '10.42.3.0', mac: '02:6b:0a:2a:03:00', dev: 'kedge.vxlan' },
    ]);
    expect(plan.fdb).toEqual([
      { mac: '02:6b:0a:2a:02:00', dst: '192.0.2.12', dev: 'kedge.vxlan' },
      { mac: '02:6b:0a:2a:03:00', dst: '198.51.100.13', dev: 'kedge.vxlan' },
    ]);
    expect(plan.warnings).toEqual([]);
  });

  it('skips nodes without a pod range and warns about ones with a bad range or address', () => {
    const network = testNetwork('host-gw');
    network.nodes.push({ name: 'edge-4', podCIDR: '', internalIP: '192.0.2.14' }, { name: 'edge-5', podCIDR: '10.42.5.0/24', internalIP: 'edge-5.local' });
    const plan = planRoutes(network, { facts: facts(), connected: ['192.0.2.0/24', '198.51.100.0/24'] });
    expect(plan.routes.map((r) => r.dst)).toEqual(['10.42.0.0/16', '10.43.0.0/16', '10.42.2.0/24', '10.42.3.0/24']);
    expect(plan.warnings).toEqual([`node edge-5: not routed, nodes[4] has podCIDR "10.42.5.0/24" and internalIP "edge-5.local" (an IPv4 range and address are needed)`]);
  });

  it('names the field of a cluster range that is not one', () => {
    expect(() => planRoutes({ ...testNetwork('host-gw'), clusterCIDR: '10.42.0.0' }, { facts: facts(), connected })).toThrow(/clusterCIDR "10\.42\.0\.0" is not an IPv4 range/);
    expect(() => planRoutes({ ...testNetwork('host-gw'), clusterDNS: 'dns' }, { facts: facts(), connected })).toThrow(/clusterDNS "dns"/);
  });

  it('sends the node\'s own Service traffic from its InternalIP only when an interface holds it', () => {
    const plan = planRoutes(testNetwork('host-gw'), { facts: facts(), connected, internalIPIsLocal: false });
    expect(plan.routes[1]).toEqual({ type: 'unicast', dst: '10.43.0.0/16', dev: 'kedge-svc' });
  });

  it('the backend argument wins over the message', () => {
    expect(planRoutes(testNetwork('host-gw'), { facts: facts(), connected }, 'vxlan').links.map((l) => l.name)).toContain('kedge.vxlan');
  });
});
