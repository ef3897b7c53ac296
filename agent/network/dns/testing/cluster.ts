/** A small cluster as the DNS tests see it: Services of every kind and a node with two pods of its own. */
import type { ClusterNetwork, ServiceEndpoint, ServiceRoute } from '../../../../shared/cluster-network.js';
import type { LocalPod } from '../../types.js';

export const testNetwork: ClusterNetwork = {
  revision: 1,
  clusterCIDR: '10.42.0.0/16',
  serviceCIDR: '10.43.0.0/16',
  clusterDNS: '10.43.0.10',
  clusterDomain: 'cluster.local',
  backend: 'host-gw',
  nodePortRange: { min: 30000, max: 32767 },
  nodes: [
    { name: 'pi-1', podCIDR: '10.42.0.0/24', internalIP: '192.0.2.11' },
    { name: 'pi-2', podCIDR: '10.42.1.0/24', internalIP: '192.0.2.12' },
  ],
};

function endpoint(ip: string, e: Partial<ServiceEndpoint> = {}): ServiceEndpoint {
  return { ip, ready: true, ports: {}, ...e };
}

function service(namespace: string, name: string, s: Partial<ServiceRoute>): ServiceRoute {
  return { namespace, name, type: 'ClusterIP', ports: [], endpoints: [], ...s };
}

export const testServices: ServiceRoute[] = [
  service('default', 'web', {
    clusterIP: '10.43.0.20',
    ports: [
      { name: 'http', protocol: 'TCP', port: 80 },
      { name: 'metrics', protocol: 'TCP', port: 9090 },
    ],
    endpoints: [endpoint('10.42.0.3', { ports: { http: 8080, metrics: 9090 } }), endpoint('10.42.1.3', { ports: { http: 8080, metrics: 9090 } })],
  }),
  service('kube-system', 'kube-dns', {
    clusterIP: '10.43.0.10',
    ports: [
      { name: 'dns', protocol: 'UDP', port: 53 },
      { name: 'dns-tcp', protocol: 'TCP', port: 53 },
    ],
  }),
  service('default', 'db', {
    clusterIP: 'None',
    ports: [{ name: 'pg', protocol: 'TCP', port: 5432 }],
    endpoints: [
      // Local and ready.
      endpoint('10.42.0.5', { hostname: 'db-0', podUID: 'uid-db-0', nodeName: 'pi-1', ports: { pg: 5433 } }),
      // On the other node, ready by the server's word.
      endpoint('10.42.1.6', { hostname: 'db-1', podUID: 'uid-db-1', nodeName: 'pi-2', ports: { pg: 5433 } }),
      // Local, ready by the server's word, but its pod has just turned unready on this node.
      endpoint('10.42.0.7', { hostname: 'db-2', podUID: 'uid-db-2', nodeName: 'pi-1', ports: { pg: 5433 } }),
      // Not ready.
      endpoint('10.42.1.8', { hostname: 'db-3', podUID: 'uid-db-3', nodeName: 'pi-2', ready: false, ports: { pg: 5433 } }),
      // No hostname: named by its address.
      endpoint('10.42.1.9', { podUID: 'uid-db-x', nodeName: 'pi-2', ports: { pg: 5433 } }),
    ],
  }),
  service('default', 'peers', {
    clusterIP: 'None',
    publishNotReadyAddresses: true,
    endpoints: [endpoint('10.42.1.20', { hostname: 'peer-0' }), endpoint('10.42.1.21', { hostname: 'peer-1', ready: false })],
  }),
  service('default', 'empty', { clusterIP: 'None', endpoints: [endpoint('10.42.1.30', { ready: false })] }),
  service('default', 'alias', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' }),
  service('default', 'ext', { type: 'ExternalName', externalName: 'www.example.org' }),
];

export const testLocalPods: LocalPod[] = [
  { uid: 'uid-db-0', namespace: 'default', name: 'db-0', ip: '10.42.0.5', ready: true, hostPorts: [] },
  { uid: 'uid-db-2', namespace: 'default', name: 'db-2', ip: '10.42.0.7', ready: false, hostPorts: [] },
];

export const testInput = { network: testNetwork, services: testServices, localPods: testLocalPods };
