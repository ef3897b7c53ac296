/** Small builders for Service rules inputs in tests: a node `n1` at 192.0.2.10 with pod range 10.42.1.0/24. */
import type { ClusterNetwork, ServiceEndpoint, ServiceRoute } from '../../../../shared/cluster-network.js';
import type { LocalPod, NodeNetworkFacts, ServiceRulesInput } from '../../types.js';

export function testNetwork(over: Partial<ClusterNetwork> = {}): ClusterNetwork {
  return {
    revision: 1,
    clusterCIDR: '10.42.0.0/16',
    serviceCIDR: '10.43.0.0/16',
    clusterDNS: '10.43.0.10',
    clusterDomain: 'cluster.local',
    backend: 'host-gw',
    nodePortRange: { min: 30000, max: 32767 },
    nodes: [
      { name: 'n1', podCIDR: '10.42.1.0/24', internalIP: '192.0.2.10' },
      { name: 'n2', podCIDR: '10.42.2.0/24', internalIP: '192.0.2.20' },
    ],
    ...over,
  };
}

export function testNode(over: Partial<NodeNetworkFacts> = {}): NodeNetworkFacts {
  return { nodeName: 'n1', nodeIPs: ['192.0.2.10'], internalIP: '192.0.2.10', podCIDR: '10.42.1.0/24', bridge: 'kedge0', mtu: 1500, ...over };
}

/** A ready endpoint serving the unnamed port on `port`; local (n1) when its address is in 10.42.1.0/24. */
export function testEndpoint(ip: string, over: Partial<ServiceEndpoint> = {}): ServiceEndpoint {
  const local = ip.startsWith('10.42.1.');
  return {
    ip,
    nodeName: local ? 'n1' : 'n2',
    ...(local ? { podUID: `uid-${ip}` } : {}),
    ready: true,
    ports: { '': 8080 },
    ...over,
  };
}

export function testService(name: string, clusterIP: string, over: Partial<ServiceRoute> = {}): ServiceRoute {
  return {
    namespace: 'default',
    name,
    type: 'ClusterIP',
    clusterIP,
    ports: [{ name: '', protocol: 'TCP', port: 80 }],
    endpoints: [],
    ...over,
  };
}

/** A local pod for an endpoint made by testEndpoint (same uid). */
export function testPod(ip: string, over: Partial<LocalPod> = {}): LocalPod {
  return { uid: `uid-${ip}`, namespace: 'default', name: `pod-${ip.split('.').pop()}`, ip, ready: true, hostPorts: [], ...over };
}

export function testInput(services: ServiceRoute[], localPods: LocalPod[] = [], over: Partial<ServiceRulesInput> = {}): ServiceRulesInput {
  return { network: testNetwork(), node: testNode(), services, localPods, ...over };
}
