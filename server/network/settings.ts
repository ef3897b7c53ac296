import { addressAt, cidrContains, cidrSize, cidrsOverlap, formatCidr, formatIPv4, parseCidr, parseIPv4, type Cidr } from '../../shared/cidr.js';
import { networkBackendSchema, type NetworkBackend } from '../../shared/cluster-network.js';
import { KedgeError } from '../../shared/errors.js';

/** The cluster's network, as the server flags set it (K3s's names and defaults). */
export interface NetworkSettings {
  /** Pod range; each node gets a /24 of it. */
  clusterCIDR: string;
  /** ClusterIPs come from here; its first address is the `kubernetes` Service's. */
  serviceCIDR: string;
  clusterDNS: string;
  clusterDomain: string;
  nodePortRange: { min: number; max: number };
  backend: NetworkBackend;
}

/** Each node's share of the cluster range. */
export const nodeMaskBits = 24;

export const defaultNetworkSettings: NetworkSettings = {
  clusterCIDR: '10.42.0.0/16',
  serviceCIDR: '10.43.0.0/16',
  clusterDNS: '10.43.0.10',
  clusterDomain: 'cluster.local',
  nodePortRange: { min: 30000, max: 32767 },
  backend: 'host-gw',
};

export type NetworkFlag = 'cluster-cidr' | 'service-cidr' | 'cluster-dns' | 'cluster-domain' | 'service-node-port-range' | 'network-backend';

const domainLike = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Flag values (absent: the default) → checked settings. `source` names a flag as the user gave it
 * (the flag or its KEDGE_… variable). Without --cluster-dns, the DNS address is the service range's
 * tenth, as in K3s.
 */
export function parseNetworkSettings(values: Partial<Record<NetworkFlag, string>>, source: (flag: NetworkFlag) => string = (f) => `--${f}`): NetworkSettings {
  const bad = (flag: NetworkFlag, why: string) => new KedgeError('BadRequest', `${source(flag)}: "${values[flag]}" ${why}`);
  const range = (flag: 'cluster-cidr' | 'service-cidr'): Cidr => {
    const text = values[flag];
    if (text === undefined) return parseCidr(flag === 'cluster-cidr' ? defaultNetworkSettings.clusterCIDR : defaultNetworkSettings.serviceCIDR)!;
    const c = parseCidr(text.trim());
    if (!c) throw bad(flag, 'is not an IPv4 range such as 10.42.0.0/16 (network address/prefix length; only IPv4 is supported)');
    return c;
  };
  const cluster = range('cluster-cidr');
  if (cluster.bits > nodeMaskBits) throw bad('cluster-cidr', `is too small: each node gets a /${nodeMaskBits}, so the range must be /${nodeMaskBits} or larger`);
  const service = range('service-cidr');
  if (service.bits < 12) throw bad('service-cidr', 'is too large: the prefix must be /12 or longer');
  if (service.bits > 28) throw bad('service-cidr', 'is too small: the prefix must be /28 or shorter');
  if (cidrsOverlap(cluster, service)) {
    throw new KedgeError('BadRequest', `${source('cluster-cidr')} and ${source('service-cidr')}: the pod range ${values['cluster-cidr'] ?? defaultNetworkSettings.clusterCIDR} and the service range ${values['service-cidr'] ?? defaultNetworkSettings.serviceCIDR} overlap`);
  }

  let clusterDNS = formatIPv4(addressAt(service, 10));
  if (values['cluster-dns'] !== undefined) {
    const ip = parseIPv4(values['cluster-dns'].trim());
    if (ip === undefined) throw bad('cluster-dns', 'is not an IPv4 address');
    const offset = ip - service.base;
    if (!cidrContains(service, ip) || offset <= 1 || offset >= cidrSize(service) - 1) {
      throw bad('cluster-dns', `must be an address of the service range ${values['service-cidr'] ?? defaultNetworkSettings.serviceCIDR}, other than its first two and its last`);
    }
    clusterDNS = formatIPv4(ip);
  }

  const clusterDomain = (values['cluster-domain'] ?? defaultNetworkSettings.clusterDomain).trim().replace(/\.$/, '');
  if (clusterDomain.length > 253 || !domainLike.test(clusterDomain)) throw bad('cluster-domain', 'is not a DNS domain (lower case letters, digits, - and .)');

  let nodePortRange = defaultNetworkSettings.nodePortRange;
  if (values['service-node-port-range'] !== undefined) {
    const m = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(values['service-node-port-range']);
    const [min, max] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
    if (!(min >= 1 && max <= 65535 && min <= max)) throw bad('service-node-port-range', 'is not a port range such as 30000-32767');
    nodePortRange = { min, max };
  }

  const backend = networkBackendSchema.safeParse(values['network-backend']?.trim() ?? defaultNetworkSettings.backend);
  if (!backend.success) throw bad('network-backend', `is not a network backend; use ${networkBackendSchema.options.join(' or ')}`);

  return { clusterCIDR: formatCidr(cluster), serviceCIDR: formatCidr(service), clusterDNS, clusterDomain, nodePortRange, backend: backend.data };
}
