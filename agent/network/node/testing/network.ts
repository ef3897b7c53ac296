import type { ClusterNetwork, NetworkBackend } from '../../../../shared/cluster-network.js';

/** Three nodes: edge-1 and edge-2 on 192.0.2.0/24, edge-3 behind a router on 198.51.100.0/24. */
export function testNetwork(backend: NetworkBackend, revision = 1): ClusterNetwork {
  return {
    revision,
    clusterCIDR: '10.42.0.0/16',
    serviceCIDR: '10.43.0.0/16',
    clusterDNS: '10.43.0.10',
    clusterDomain: 'cluster.local',
    backend,
    nodePortRange: { min: 30000, max: 32767 },
    nodes: [
      { name: 'edge-1', podCIDR: '10.42.1.0/24', internalIP: '192.0.2.11' },
      { name: 'edge-2', podCIDR: '10.42.2.0/24', internalIP: '192.0.2.12' },
      { name: 'edge-3', podCIDR: '10.42.3.0/24', internalIP: '198.51.100.13' },
    ],
  };
}
