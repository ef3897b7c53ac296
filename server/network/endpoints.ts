/**
 * A Service's endpoints, computed from its pods as Kubernetes' endpoints and EndpointSlice
 * controllers do: which pods belong, which address and port each offers, and whether it is ready.
 */
import { compareIPv4 } from '../../shared/cidr.js';
import type { EndpointSlice, Endpoints } from '../../shared/endpoints.js';
import type { Pod } from '../../shared/pod.js';
import type { Service, ServicePort } from '../../shared/service.js';
import { isPodReady } from '../../shared/pod.js';

export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const sliceControllerName = 'endpointslice-controller.k8s.io';
export const headlessLabel = 'service.kubernetes.io/headless';
/** Kubernetes' limit per EndpointSlice. */
export const maxEndpointsPerSlice = 100;

/** A Service port resolved on one pod: the Service port's name ("" when unnamed) and the pod's port number. */
interface EndpointPort {
  name: string;
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  appProtocol?: string;
}
type SliceEndpoint = EndpointSlice['endpoints'][number];
type Address = NonNullable<NonNullable<Endpoints['subsets']>[number]['addresses']>[number];

/** The pod's IPv4 address, if it has one yet. */
export function podIP(p: Pod): string | undefined {
  return p.status?.podIPs?.[0]?.ip || p.status?.podIP || undefined;
}

/** The selector's labels, or none: a Service without a selector (or an empty one) has endpoints someone else writes. */
export function selectorOf(s: Service): Record<string, string> | undefined {
  const sel = s.spec?.selector;
  return sel && Object.keys(sel).length && s.spec?.type !== 'ExternalName' ? sel : undefined;
}

export function selects(s: Service, p: Pod): boolean {
  const sel = selectorOf(s);
  if (!sel || (p.metadata.namespace ?? 'default') !== (s.metadata.namespace ?? 'default')) return false;
  return Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v);
}

/** Kubernetes' ShouldPodBeInEndpoints: an address, not finished for good, and (unless asked) not terminating. */
export function belongsInEndpoints(p: Pod, includeTerminating: boolean): boolean {
  if (!podIP(p)) return false;
  if (!includeTerminating && p.metadata.deletionTimestamp) return false;
  const phase = p.status?.phase;
  if (p.spec.restartPolicy === 'Never') return phase !== 'Failed' && phase !== 'Succeeded';
  if (p.spec.restartPolicy === 'OnFailure') return phase !== 'Succeeded';
  return true;
}

/** A Service port's target on this pod: a number, or the container port of that name and protocol (none if the pod has no such port). */
export function targetPortOn(sp: ServicePort, p: Pod): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  const protocol = sp.protocol ?? 'TCP';
  for (const c of p.spec.containers) for (const cp of c.ports ?? []) if (cp.name === target && (cp.protocol ?? 'TCP') === protocol) return cp.containerPort;
  return undefined;
}

/** The pod's ports for this Service, in the Service's order; ports a named targetPort does not resolve on this pod are left out. */
function portsOn(s: Service, p: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of s.spec?.ports ?? []) {
    const port = targetPortOn(sp, p);
    if (port !== undefined) out.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return out;
}

/** A pod's DNS name under a headless Service: its hostname when its subdomain is the Service's name. */
function hostnameFor(s: Service, p: Pod): string | undefined {
  return p.spec.hostname && p.spec.subdomain === s.metadata.name ? p.spec.hostname : undefined;
}

const targetRef = (p: Pod) => ({ kind: 'Pod', namespace: p.metadata.namespace ?? 'default', name: p.metadata.name!, uid: p.metadata.uid! });
const byIP = <T extends { ip?: string; addresses?: string[] }>(a: T, b: T) => compareIPv4(a.ip ?? a.addresses?.[0] ?? '', b.ip ?? b.addresses?.[0] ?? '');

/** The labels a Service's Endpoints and slices carry: the Service's own, and "headless" when it is. */
function copiedLabels(s: Service): Record<string, string> {
  return { ...(s.metadata.labels ?? {}), ...(s.spec?.clusterIP === 'None' ? { [headlessLabel]: '' } : {}) };
}

/** The v1 Endpoints of a Service with a selector: ready addresses and not-ready ones, grouped by their ports. */
export function endpointsFor(s: Service, pods: Pod[]): Endpoints {
  const publishAll = !!s.spec?.publishNotReadyAddresses;
  const hasPorts = (s.spec?.ports ?? []).length > 0;
  const groups = new Map<string, { ports: EndpointPort[]; addresses: Address[]; notReadyAddresses: Address[] }>();
  for (const p of pods) {
    if (!selects(s, p) || !belongsInEndpoints(p, publishAll)) continue;
    const ports = portsOn(s, p);
    if (hasPorts && ports.length === 0) continue;
    const hostname = hostnameFor(s, p);
    const address: Address = { ip: podIP(p)!, ...(hostname ? { hostname } : {}), ...(p.spec.nodeName ? { nodeName: p.spec.nodeName } : {}), targetRef: targetRef(p) };
    const key = JSON.stringify(ports);
    const g = groups.get(key) ?? { ports, addresses: [], notReadyAddresses: [] };
    groups.set(key, g);
    (publishAll || isPodReady(p) ? g.addresses : g.notReadyAddresses).push(address);
  }
  const subsets = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, g]) => ({
      ...(g.addresses.length ? { addresses: g.addresses.sort(byIP) } : {}),
      ...(g.notReadyAddresses.length ? { notReadyAddresses: g.notReadyAddresses.sort(byIP) } : {}),
      ...(g.ports.length ? { ports: g.ports.map(({ name, ...rest }) => (name ? { name, ...rest } : rest)) } : {}),
    }));
  const labels = copiedLabels(s);
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: s.metadata.name, namespace: s.metadata.namespace, ...(Object.keys(labels).length ? { labels } : {}) },
    ...(subsets.length ? { subsets } : {}),
  };
}

/** What one EndpointSlice holds: endpoints sharing one set of ports. */
export interface SliceContent {
  ports: EndpointPort[];
  endpoints: SliceEndpoint[];
}

/**
 * The slices' contents: every pod with an address (terminating ones too, marked), grouped by its
 * ports (a named targetPort may resolve differently per pod), at most 100 per slice. A Service
 * without endpoints keeps one empty slice, as Kubernetes does.
 */
export function sliceContentsFor(s: Service, pods: Pod[]): SliceContent[] {
  const publishAll = !!s.spec?.publishNotReadyAddresses;
  const hasPorts = (s.spec?.ports ?? []).length > 0;
  const groups = new Map<string, SliceContent>();
  for (const p of pods) {
    if (!selects(s, p) || !belongsInEndpoints(p, true)) continue;
    const ports = portsOn(s, p);
    if (hasPorts && ports.length === 0) continue;
    const terminating = !!p.metadata.deletionTimestamp;
    const serving = publishAll || isPodReady(p);
    const hostname = hostnameFor(s, p);
    const endpoint: SliceEndpoint = {
      addresses: [podIP(p)!],
      conditions: { ready: publishAll || (serving && !terminating), serving, terminating },
      ...(hostname ? { hostname } : {}),
      ...(p.spec.nodeName ? { nodeName: p.spec.nodeName } : {}),
      targetRef: targetRef(p),
    };
    const key = JSON.stringify(ports);
    const g = groups.get(key) ?? { ports, endpoints: [] };
    groups.set(key, g);
    g.endpoints.push(endpoint);
  }
  const out: SliceContent[] = [];
  for (const [, g] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    g.endpoints.sort(byIP);
    for (let i = 0; i < g.endpoints.length; i += maxEndpointsPerSlice) out.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + maxEndpointsPerSlice) });
  }
  return out.length ? out : [{ ports: [], endpoints: [] }];
}

/** The metadata every slice of a Service carries: its labels, and the Service as its controlling owner. */
export function sliceMetadata(s: Service): Pick<EndpointSlice['metadata'], 'namespace' | 'labels' | 'ownerReferences'> {
  return {
    namespace: s.metadata.namespace,
    labels: { ...copiedLabels(s), [serviceNameLabel]: s.metadata.name!, [managedByLabel]: sliceControllerName },
    ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: s.metadata.name!, uid: s.metadata.uid!, controller: true, blockOwnerDeletion: true }],
  };
}
