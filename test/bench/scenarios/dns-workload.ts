/** The cluster the dns scenario serves: many ClusterIP Services of one namespace, each with its endpoints. */
import type { ClusterNetwork, ServiceRoute } from '../../../shared/cluster-network.js';

export const benchNamespace = 'bench';

export function dnsWorkload(services: number, endpoints: number): { network: ClusterNetwork; services: ServiceRoute[] } {
  const network: ClusterNetwork = {
    revision: 1,
    clusterCIDR: '10.42.0.0/16',
    serviceCIDR: '10.43.0.0/16',
    clusterDNS: '10.43.0.10',
    clusterDomain: 'cluster.local',
    backend: 'host-gw',
    nodePortRange: { min: 30000, max: 32767 },
    nodes: [],
  };
  const list: ServiceRoute[] = [];
  for (let i = 0; i < services; i++) {
    list.push({
      namespace: benchNamespace,
      name: `svc-${i}`,
      type: 'ClusterIP',
      clusterIP: `10.43.${10 + (i >> 8)}.${i & 255}`,
      ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
      endpoints: Array.from({ length: endpoints }, (_, e) => ({ ip: `10.42.${e}.${(i % 250) + 2}`, ready: true, ports: { http: 8080 } })),
    });
  }
  return { network, services: list };
}
