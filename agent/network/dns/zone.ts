/**
 * The cluster's DNS records, indexed by name: built whole from the cluster messages and the
 * node's own pods on every update (pure), then only read while answering.
 */
import { BlockList, isIPv4 } from 'node:net';
import type { Answer, SoaAnswer } from 'dns-packet';
import type { ClusterNetwork, ServiceEndpoint, ServiceRoute } from '../../../shared/cluster-network.js';
import type { LocalPod } from '../types.js';
import { canonicalName, dashedIp, isInZone, reverseName } from './names.js';

/** TTL of every cluster answer, and of the SOA on negative ones: CoreDNS's kubernetes plugin default. */
export const clusterTtl = 5;

export interface DnsInput {
  network: ClusterNetwork;
  services: ServiceRoute[];
  localPods: LocalPod[];
}

export interface Zone {
  domain: string;
  serial: number;
  /** Records by canonical owner name. */
  records: Map<string, Answer[]>;
  /** Every name that exists in the zone, records or not: an unknown name is NXDOMAIN, a known one without the type NODATA. */
  names: Set<string>;
  /** Addresses (service and cluster range) whose reverse names are answered here, never forwarded. */
  reverseRanges: BlockList;
}

export function soaRecord(owner: string, domain: string, serial: number): SoaAnswer {
  return {
    name: owner,
    type: 'SOA',
    ttl: clusterTtl,
    data: { mname: `ns.dns.${domain}`, rname: `hostmaster.${domain}`, serial, refresh: 7200, retry: 1800, expire: 86400, minimum: clusterTtl },
  };
}

/**
 * Readiness of an endpoint as this node knows it now: a pod of this node answers for itself, so
 * an unready or replaced local pod is left out before the server has heard of it.
 */
export function endpointReadiness(localPods: LocalPod[]): (e: ServiceEndpoint) => boolean {
  const byUid = new Map(localPods.map((p) => [p.uid, p]));
  const byIp = new Map(localPods.map((p) => [p.ip, p]));
  return (e) => {
    if (!e.ready) return false;
    if (e.podUID === undefined) return true;
    const local = byUid.get(e.podUID);
    if (local) return local.ready && local.ip === e.ip;
    // The address now belongs to another pod of this node: the endpoint's pod is gone.
    const holder = byIp.get(e.ip);
    return holder === undefined;
  };
}

function addSubnet(list: BlockList, cidr: string): void {
  const [ip, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (ip && isIPv4(ip) && Number.isInteger(prefix) && prefix >= 0 && prefix <= 32) list.addSubnet(ip, prefix, 'ipv4');
}

function portLabel(p: ServiceRoute['ports'][number]): string {
  return `_${p.name.toLowerCase()}._${p.protocol.toLowerCase()}`;
}

function addService(s: ServiceRoute, domain: string, ready: (e: ServiceEndpoint) => boolean, add: (r: Answer) => void, exists: (name: string) => void): void {
  const fqdn = `${canonicalName(s.name)}.${canonicalName(s.namespace)}.svc.${domain}`;
  exists(fqdn);
  if (s.type === 'ExternalName') {
    if (s.externalName) add({ name: fqdn, type: 'CNAME', ttl: clusterTtl, data: canonicalName(s.externalName) });
    return;
  }
  const named = s.ports.filter((p) => p.name !== '');
  if (s.clusterIP !== 'None') {
    if (!s.clusterIP || !isIPv4(s.clusterIP)) return;
    add({ name: fqdn, type: 'A', ttl: clusterTtl, data: s.clusterIP });
    add({ name: reverseName(s.clusterIP), type: 'PTR', ttl: clusterTtl, data: fqdn });
    for (const p of named) add({ name: `${portLabel(p)}.${fqdn}`, type: 'SRV', ttl: clusterTtl, data: { priority: 0, weight: 100, port: p.port, target: fqdn } });
    return;
  }
  const endpoints = s.endpoints.filter((e) => isIPv4(e.ip) && (s.publishNotReadyAddresses || ready(e)));
  const weight = Math.max(1, Math.floor(100 / Math.max(1, endpoints.length)));
  for (const e of endpoints) {
    // Endpoints without a hostname are named by their address, as CoreDNS names SRV targets.
    const host = `${canonicalName(e.hostname ?? dashedIp(e.ip))}.${fqdn}`;
    add({ name: fqdn, type: 'A', ttl: clusterTtl, data: e.ip });
    add({ name: host, type: 'A', ttl: clusterTtl, data: e.ip });
    if (e.hostname) add({ name: reverseName(e.ip), type: 'PTR', ttl: clusterTtl, data: host });
    for (const p of named) {
      const port = e.ports[p.name];
      if (port !== undefined) add({ name: `${portLabel(p)}.${fqdn}`, type: 'SRV', ttl: clusterTtl, data: { priority: 0, weight, port, target: host } });
    }
  }
}

/** The zone for one state of the cluster; `serial` goes into the SOA (seconds, as CoreDNS's). */
export function buildZone({ network, services, localPods }: DnsInput, serial: number): Zone {
  const domain = canonicalName(network.clusterDomain);
  const records = new Map<string, Answer[]>();
  const names = new Set<string>([domain]);
  // A name exists with its parents up to the domain; the walk stops at the first known one, whose parents are known already.
  const exists = (name: string) => {
    for (let n = name; !names.has(n); ) {
      names.add(n);
      const dot = n.indexOf('.');
      if (dot < 0 || !isInZone(n, domain)) break;
      n = n.slice(dot + 1);
    }
  };
  const add = (r: Answer) => {
    const list = records.get(r.name);
    if (list) list.push(r);
    else {
      records.set(r.name, [r]);
      exists(r.name);
    }
  };
  exists(`svc.${domain}`);
  exists(`pod.${domain}`);
  const ready = endpointReadiness(localPods);
  for (const s of services) addService(s, domain, ready, add, exists);
  for (const ns of new Set([...services, ...localPods].map((o) => canonicalName(o.namespace)))) exists(`${ns}.pod.${domain}`);

  add(soaRecord(domain, domain, serial));
  add({ name: domain, type: 'NS', ttl: clusterTtl, data: `ns.dns.${domain}` });
  if (isIPv4(network.clusterDNS)) add({ name: `ns.dns.${domain}`, type: 'A', ttl: clusterTtl, data: network.clusterDNS });
  // The version of the Kubernetes DNS specification answered, as the specification asks.
  add({ name: `dns-version.${domain}`, type: 'TXT', ttl: clusterTtl, data: '1.1.0' });
  const reverseRanges = new BlockList();
  addSubnet(reverseRanges, network.serviceCIDR);
  addSubnet(reverseRanges, network.clusterCIDR);
  return { domain, serial, records, names, reverseRanges };
}
