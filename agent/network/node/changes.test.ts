import { describe, expect, it } from 'vitest';
import type { NodeNetworkFacts } from '../types.js';
import { createLinkArgs, isEmpty, planChanges } from './changes.js';
import type { HostLink, HostNetwork } from './host-state.js';
import { planRoutes } from './plan.js';
import { testNetwork } from './testing/network.js';

const facts = (mtu: number): NodeNetworkFacts => ({ nodeName: 'edge-1', nodeIPs: ['192.0.2.11'], internalIP: '192.0.2.11', podCIDR: '10.42.1.0/24', bridge: 'kedge0', mtu });
const connected = ['192.0.2.0/24', '198.51.100.0/24'];
const hostGw = planRoutes(testNetwork('host-gw'), { facts: facts(1500), connected });
const vxlan = planRoutes(testNetwork('vxlan'), { facts: facts(1450), connected });

const eth0: HostLink = { name: 'eth0', mtu: 1500, mac: '02:00:00:00:00:11', up: true, addresses: ['192.0.2.11/24'] };
const bridge: HostLink = { name: 'kedge0', kind: 'bridge', mtu: 1500, up: true, addresses: ['10.42.1.1/24'] };
const dummy: HostLink = { name: 'kedge-svc', kind: 'dummy', mtu: 1500, up: true, addresses: ['10.43.0.10/32'] };
const tunnel: HostLink = {
  name: 'kedge.vxlan',
  kind: 'vxlan',
  mtu: 1450,
  mac: '02:6b:0a:2a:01:00',
  up: true,
  addresses: ['10.42.1.0/32'],
  vxlan: { vni: 1, port: 8472, local: '192.0.2.11', learning: false },
};

/** The node as it looks once the host-gw plan has been applied. */
function hostGwNode(): HostNetwork {
  return {
    links: [eth0, bridge, dummy],
    routes: [
      { type: 'unreachable', dst: '10.42.0.0/16', onlink: false },
      { type: 'unicast', dst: '10.43.0.0/16', dev: 'kedge-svc', onlink: false, src: '192.0.2.11' },
      { type: 'unicast', dst: '10.42.2.0/24', via: '192.0.2.12', dev: 'eth0', onlink: false },
      { type: 'unicast', dst: '10.42.3.0/24', via: '198.51.100.13', dev: 'eth1', onlink: false },
    ],
    neighbours: [],
    fdb: [],
  };
}

/** The node as it looks once the vxlan plan has been applied. */
function vxlanNode(): HostNetwork {
  return {
    links: [eth0, bridge, dummy, tunnel],
    routes: [
      { type: 'unreachable', dst: '10.42.0.0/16', onlink: false },
      { type: 'unicast', dst: '10.43.0.0/16', dev: 'kedge-svc', onlink: false, src: '192.0.2.11' },
      { type: 'unicast', dst: '10.42.2.0/24', via: '10.42.2.0', dev: 'kedge.vxlan', onlink: true },
      { type: 'unicast', dst: '10.42.3.0/24', via: '10.42.3.0', dev: 'kedge.vxlan', onlink: true },
    ],
    neighbours: [
      { ip: '10.42.2.0', mac: '02:6b:0a:2a:02:00', permanent: true },
      { ip: '10.42.3.0', mac: '02:6b:0a:2a:03:00', permanent: true },
    ],
    fdb: [
      { mac: '33:33:00:00:00:01' },
      { mac: '02:6b:0a:2a:02:00', dst: '192.0.2.12' },
      { mac: '02:6b:0a:2a:03:00', dst: '198.51.100.13' },
    ],
  };
}

describe('planChanges', () => {
  it('on a bare node: creates the devices, their addresses, every route, and the tunnel entries', () => {
    const c = planChanges(vxlan, { links: [eth0], routes: [], neighbours: [], fdb: [] });
    expect(c.remove).toEqual([]);
    expect(c.create.map((l) => l.name)).toEqual(['kedge0', 'kedge-svc', 'kedge.vxlan']);
    expect(c.ip).toEqual([
      'address replace 10.42.1.1/24 dev kedge0',
      'link set dev kedge0 up',
      'address replace 10.43.0.10/32 dev kedge-svc',
      'link set dev kedge-svc up',
      'address replace 10.42.1.0/32 dev kedge.vxlan',
      'link set dev kedge.vxlan up',
      'route replace unreachable 10.42.0.0/16 proto 66',
      'route replace 10.43.0.0/16 dev kedge-svc src 192.0.2.11 proto 66',
      'route replace 10.42.2.0/24 via 10.42.2.0 dev kedge.vxlan onlink proto 66',
      'route replace 10.42.3.0/24 via 10.42.3.0 dev kedge.vxlan onlink proto 66',
      'neigh replace 10.42.2.0 lladdr 02:6b:0a:2a:02:00 dev kedge.vxlan nud permanent',
      'neigh replace 10.42.3.0 lladdr 02:6b:0a:2a:03:00 dev kedge.vxlan nud permanent',
    ]);
    expect(c.bridge).toEqual([
      'fdb replace 02:6b:0a:2a:02:00 dev kedge.vxlan dst 192.0.2.12 self permanent',
      'fdb replace 02:6b:0a:2a:03:00 dev kedge.vxlan dst 198.51.100.13 self permanent',
    ]);
  });

  it('creates the tunnel with flannel-compatible settings and its derived MAC', () => {
    expect(createLinkArgs(vxlan.links[2]!).join(' ')).toBe('link add kedge.vxlan address 02:6b:0a:2a:01:00 mtu 1450 type vxlan id 1 dstport 8472 local 192.0.2.11 nolearning');
    expect(createLinkArgs(vxlan.links[1]!, 'bridge').join(' ')).toBe('link add kedge-svc type bridge');
  });

  it('does nothing when the node already matches (host-gw and vxlan)', () => {
    expect(isEmpty(planChanges(hostGw, hostGwNode()))).toBe(true);
    expect(isEmpty(planChanges(vxlan, vxlanNode()))).toBe(true);
  });

  it("removes kedge's stale routes only: a node that left, and never a route without kedge's mark", () => {
    const host = hostGwNode();
    host.routes.push({ type: 'unicast', dst: '10.42.9.0/24', via: '192.0.2.19', dev: 'eth0', onlink: false });
    const c = planChanges(hostGw, host);
    expect(c.remove).toEqual(['route del 10.42.9.0/24 proto 66']);
    expect(c.create).toEqual([]);
    expect(c.ip).toEqual([]);
    // The host's own routes are never read: ip lists only routes with kedge's protocol number.
    expect(c.remove.join('\n')).not.toMatch(/default|192\.0\.2\.0/);
  });

  it('removes a stale unreachable route by its type', () => {
    const host = hostGwNode();
    host.routes.push({ type: 'unreachable', dst: '10.52.0.0/16', onlink: false });
    expect(planChanges(hostGw, host).remove).toEqual(['route del unreachable 10.52.0.0/16 proto 66']);
  });

  it('vxlan: forgets a node that left (route, neighbour, forwarding entry) and follows one that moved', () => {
    const host = vxlanNode();
    host.routes.push({ type: 'unicast', dst: '10.42.7.0/24', via: '10.42.7.0', dev: 'kedge.vxlan', onlink: true });
    host.neighbours.push({ ip: '10.42.7.0', mac: '02:6b:0a:2a:07:00', permanent: true }, { ip: '10.42.1.77', permanent: false });
    host.fdb.push({ mac: '02:6b:0a:2a:07:00', dst: '192.0.2.17' });
    host.fdb[1] = { mac: '02:6b:0a:2a:02:00', dst: '192.0.2.99' };
    const c = planChanges(vxlan, host);
    expect(c.remove).toEqual(['route del 10.42.7.0/24 proto 66']);
    expect(c.ip).toEqual(['neigh del 10.42.7.0 dev kedge.vxlan']);
    expect(c.bridge).toEqual([
      'fdb replace 02:6b:0a:2a:02:00 dev kedge.vxlan dst 192.0.2.12 self permanent',
      'fdb del 02:6b:0a:2a:07:00 dev kedge.vxlan dst 192.0.2.17 self',
    ]);
  });

  it('vxlan → host-gw: removes the tunnel (and with it its routes) and routes via the nodes instead', () => {
    const c = planChanges(hostGw, vxlanNode());
    expect(c.remove).toEqual(['link del kedge.vxlan']);
    expect(c.ip).toEqual(['route replace 10.42.2.0/24 via 192.0.2.12 proto 66', 'route replace 10.42.3.0/24 via 198.51.100.13 proto 66']);
    expect(c.bridge).toEqual([]);
  });

  it('re-creates the tunnel when the node address changed, then puts its routes and entries back', () => {
    const host = vxlanNode();
    host.links = host.links.map((l) => (l.name === 'kedge.vxlan' ? { ...tunnel, vxlan: { ...tunnel.vxlan, local: '192.0.2.200' } } : l));
    const c = planChanges(vxlan, host);
    expect(c.remove).toEqual(['link del kedge.vxlan']);
    expect(c.create.map((l) => l.name)).toEqual(['kedge.vxlan']);
    expect(c.ip.filter((l) => l.includes('kedge.vxlan')).length).toBe(6);
    expect(c.bridge).toHaveLength(2);
  });

  it("fixes the bridge's address after a pod range change, and the tunnel's MTU", () => {
    const host = vxlanNode();
    host.links = host.links.map((l) => (l.name === 'kedge0' ? { ...bridge, addresses: ['10.42.8.1/24'] } : l.name === 'kedge.vxlan' ? { ...tunnel, mtu: 1500 } : l));
    expect(planChanges(vxlan, host).ip).toEqual(['address replace 10.42.1.1/24 dev kedge0', 'address del 10.42.8.1/24 dev kedge0', 'link set dev kedge.vxlan mtu 1450']);
  });

  it('accepts a bridge standing in for the dummy, and re-creates a device of the wrong kind', () => {
    const host = hostGwNode();
    host.links = host.links.map((l) => (l.name === 'kedge-svc' ? { ...dummy, kind: 'bridge' } : l.name === 'kedge0' ? { ...bridge, kind: 'dummy' } : l));
    const c = planChanges(hostGw, host);
    expect(c.remove).toEqual(['link del kedge0']);
    expect(c.create.map((l) => l.name)).toEqual(['kedge0']);
  });
});
