import { describe, expect, it } from 'vitest';
import type { ClusterNetwork } from '../../../shared/cluster-network.js';
import { nodeNetworkFacts } from './facts.js';
import { testNetwork } from './testing/network.js';

describe('node network facts', () => {
  it('takes the pod range from the message and the InternalIP and MTU from the node (host-gw: the uplink MTU)', () => {
    const facts = nodeNetworkFacts(testNetwork('host-gw'), { nodeName: 'edge-2', nodeIPs: ['192.0.2.12', '2001:db8::12'], uplinkMtu: 1500 });
    expect(facts).toEqual({ nodeName: 'edge-2', nodeIPs: ['192.0.2.12', '2001:db8::12'], internalIP: '192.0.2.12', podCIDR: '10.42.2.0/24', bridge: 'kedge0', mtu: 1500 });
  });

  it('leaves room for the tunnel headers with vxlan', () => {
    expect(nodeNetworkFacts(testNetwork('vxlan'), { nodeName: 'edge-1', nodeIPs: ['192.0.2.11'], uplinkMtu: 1400 })?.mtu).toBe(1350);
  });

  it('falls back to the address the server knows when the node has none of its own', () => {
    expect(nodeNetworkFacts(testNetwork('host-gw'), { nodeName: 'edge-1', nodeIPs: [], uplinkMtu: 1500 })).toMatchObject({ internalIP: '192.0.2.11', nodeIPs: ['192.0.2.11'] });
  });

  it('is null until the server gives the node a pod range', () => {
    const network = testNetwork('host-gw');
    expect(nodeNetworkFacts(network, { nodeName: 'edge-9', nodeIPs: ['192.0.2.19'], uplinkMtu: 1500 })).toBeNull();
    const unallocated: ClusterNetwork = { ...network, nodes: [{ name: 'edge-9', podCIDR: '', internalIP: '192.0.2.19' }] };
    expect(nodeNetworkFacts(unallocated, { nodeName: 'edge-9', nodeIPs: ['192.0.2.19'], uplinkMtu: 1500 })).toBeNull();
  });

  it('names the field when the pod range is not an IPv4 range', () => {
    const bad: ClusterNetwork = { ...testNetwork('host-gw'), nodes: [{ name: 'edge-1', podCIDR: '10.42.1.0', internalIP: '192.0.2.11' }] };
    expect(() => nodeNetworkFacts(bad, { nodeName: 'edge-1', nodeIPs: ['192.0.2.11'], uplinkMtu: 1500 })).toThrow(/nodes\[0\]\.podCIDR "10\.42\.1\.0" of node edge-1/);
  });
});
