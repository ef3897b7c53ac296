import type { KObject } from '../../shared/meta.js';
import type { Node } from '../../shared/node.js';
import type { Service } from '../../shared/service.js';
import type { Claim, ClaimRules } from '../store/types.js';

/** The pools of values the cluster network hands out, each value held by one object at a time. */
export const pools = {
  clusterIP: 'service-ip',
  nodePort: 'node-port',
  /** A LoadBalancer port answers on every node (ServiceLB), so one port+protocol serves one LoadBalancer. */
  loadBalancerPort: 'lb-port',
  podCIDR: 'pod-cidr',
} as const;

/** "80/TCP": a LoadBalancer port's value in its pool. */
export const lbPortValue = (port: number, protocol: string | undefined) => `${port}/${protocol ?? 'TCP'}`;

/** Whether a Service's ports answer on every node as a ServiceLB LoadBalancer (another load balancer class is someone else's). */
export function isServiceLb(s: Service): boolean {
  return s.spec?.type === 'LoadBalancer' && !s.spec.loadBalancerClass;
}

function serviceClaims(s: Service): Claim[] {
  const spec = s.spec ?? {};
  const out: Claim[] = [];
  if (spec.clusterIP && spec.clusterIP !== 'None') out.push({ pool: pools.clusterIP, value: spec.clusterIP, field: 'spec.clusterIP' });
  (spec.ports ?? []).forEach((p, i) => {
    if (p.nodePort) out.push({ pool: pools.nodePort, value: String(p.nodePort), field: `spec.ports[${i}].nodePort` });
  });
  if (isServiceLb(s)) (spec.ports ?? []).forEach((p, i) => out.push({ pool: pools.loadBalancerPort, value: lbPortValue(p.port, p.protocol), field: `spec.ports[${i}].port` }));
  return out;
}

function nodeClaims(n: Node): Claim[] {
  const cidrs = n.spec?.podCIDRs?.length ? n.spec.podCIDRs : n.spec?.podCIDR ? [n.spec.podCIDR] : [];
  return cidrs.map((c) => ({ pool: pools.podCIDR, value: c, field: 'spec.podCIDR' }));
}

/** What Services and Nodes hold: the store keeps these in the same transaction as the object. */
export const networkClaims: ClaimRules = {
  kinds: ['Service', 'Node'],
  of(o: KObject): Claim[] {
    if (o.kind === 'Service') return serviceClaims(o as Service);
    if (o.kind === 'Node') return nodeClaims(o as Node);
    return [];
  },
};
