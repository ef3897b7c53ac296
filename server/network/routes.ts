/**
 * The two cluster messages' contents, built from store objects: every node's pod range (ClusterNetwork)
 * and every Service with its endpoints (ServiceRoute). Pure; the publisher (server/controllers/cluster-network.ts) sends them.
 */
import { compareIPv4 } from '../../shared/cidr.js';
import type { ClusterNetwork, ClusterNodeRoute, ServiceEndpoint, ServiceRoute } from '../../shared/cluster-network.js';
import type { EndpointSlice, Endpoints } from '../../shared/endpoints.js';
import type { Node } from '../../shared/node.js';
import type { Service } from '../../shared/service.js';
import { isServiceLb } from './claims.js';
import type { NetworkSettings } from './settings.js';
import { defaultAffinityTimeoutSeconds, typeOf } from './service-spec.js';

/** A node's entry in the network message: only once it has a pod range and an InternalIP. */
export function clusterNodeRoute(n: Node): ClusterNodeRoute | undefined {
  const podCIDR = n.spec?.podCIDR ?? n.spec?.podCIDRs?.[0];
  const internalIP = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  return podCIDR && internalIP ? { name: n.metadata.name!, podCIDR, internalIP } : undefined;
}

export function clusterNetworkOf(s: NetworkSettings, nodes: ClusterNodeRoute[]): Omit<ClusterNetwork, 'revision'> {
  return {
    clusterCIDR: s.clusterCIDR,
    serviceCIDR: s.serviceCIDR,
    clusterDNS: s.clusterDNS,
    clusterDomain: s.clusterDomain,
    backend: s.backend,
    nodePortRange: s.nodePortRange,
    nodes: [...nodes].sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** One slice's endpoints as routes see them (a pod's first address; ready unless said otherwise, as in Kubernetes). */
export function routeEndpointsOfSlice(slice: EndpointSlice): ServiceEndpoint[] {
  if (slice.addressType !== 'IPv4') return [];
  const ports: Record<string, number> = {};
  for (const p of slice.ports ?? []) if (p.port !== undefined) ports[p.name ?? ''] = p.port;
  return slice.endpoints.map((e) => ({
    ip: e.addresses[0]!,
    ...(e.nodeName ? { nodeName: e.nodeName } : {}),
    ...(e.targetRef?.kind === 'Pod' && e.targetRef.uid ? { podUID: e.targetRef.uid } : {}),
    ...(e.hostname ? { hostname: e.hostname } : {}),
    ready: e.conditions?.ready ?? true,
    ...(e.conditions?.terminating ? { terminating: true } : {}),
    ports: { ...ports },
  }));
}

/** v1 Endpoints as routes see them: for Services without a selector whose Endpoints someone writes by hand. */
export function routeEndpointsOfEndpoints(ep: Endpoints): ServiceEndpoint[] {
  const out: ServiceEndpoint[] = [];
  for (const ss of ep.subsets ?? []) {
    const ports = Object.fromEntries((ss.ports ?? []).map((p) => [p.name ?? '', p.port]));
    const add = (ready: boolean) => (a: NonNullable<typeof ss.addresses>[number]) =>
      out.push({
        ip: a.ip,
        ...(a.nodeName ? { nodeName: a.nodeName } : {}),
        ...(a.targetRef?.kind === 'Pod' && a.targetRef.uid ? { podUID: a.targetRef.uid } : {}),
        ...(a.hostname ? { hostname: a.hostname } : {}),
        ready,
        ports: { ...ports },
      });
    (ss.addresses ?? []).forEach(add(true));
    (ss.notReadyAddresses ?? []).forEach(add(false));
  }
  return out;
}

/** One entry per address (its ports from every list that names it), in address order. */
export function mergeRouteEndpoints(lists: ServiceEndpoint[][]): ServiceEndpoint[] {
  const byIP = new Map<string, ServiceEndpoint>();
  for (const list of lists) {
    for (const e of list) {
      const cur = byIP.get(e.ip);
      if (cur) cur.ports = { ...cur.ports, ...e.ports };
      else byIP.set(e.ip, { ...e, ports: { ...e.ports } });
    }
  }
  return [...byIP.values()].sort((a, b) => compareIPv4(a.ip, b.ip));
}

/** A Service and its endpoints as every node routes and resolves it. */
export function serviceRoute(s: Service, endpoints: ServiceEndpoint[]): ServiceRoute {
  const spec = s.spec ?? {};
  const type = typeOf(s);
  const names = new Set((spec.ports ?? []).map((p) => p.name ?? ''));
  return {
    namespace: s.metadata.namespace ?? 'default',
    name: s.metadata.name!,
    type,
    ...(type !== 'ExternalName' && spec.clusterIP ? { clusterIP: spec.clusterIP } : {}),
    ...(type === 'ExternalName' && spec.externalName ? { externalName: spec.externalName } : {}),
    ...(spec.externalIPs?.length ? { externalIPs: spec.externalIPs } : {}),
    ...(isServiceLb(s) ? { loadBalancer: true } : {}),
    ...(spec.sessionAffinity === 'ClientIP' ? { affinityTimeoutSeconds: spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? defaultAffinityTimeoutSeconds } : {}),
    ...(spec.externalTrafficPolicy === 'Local' ? { externalTrafficLocal: true } : {}),
    ...(spec.internalTrafficPolicy === 'Local' ? { internalTrafficLocal: true } : {}),
    ...(spec.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
    ports: (spec.ports ?? []).map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port, ...(p.nodePort ? { nodePort: p.nodePort } : {}) })),
    endpoints:
      type === 'ExternalName'
        ? []
        : endpoints.map((e) => ({ ...e, ports: Object.fromEntries(Object.entries(e.ports).filter(([name]) => names.has(name))) })),
  };
}

/** The route from the Service's EndpointSlices, or, when it has none, from its Endpoints. */
export function buildServiceRoute(s: Service, slices: EndpointSlice[], endpoints?: Endpoints): ServiceRoute {
  const lists = slices.length ? slices.map(routeEndpointsOfSlice) : endpoints ? [routeEndpointsOfEndpoints(endpoints)] : [];
  return serviceRoute(s, mergeRouteEndpoints(lists));
}
