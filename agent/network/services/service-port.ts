/**
 * The rules of one Service port, in the manner of kube-proxy's nftables mode: map elements that send its
 * addresses to its chains, a chain that DNATs to a random backend, and reject (or drop, for a traffic
 * policy Local without local endpoints) when there is nowhere to send it.
 */
import type { ServiceRoute } from '../../../shared/cluster-network.js';
import type { Backend } from './backends.js';
import type { RuleSink } from './builder.js';
import { chainNames as c, servicePortNames, setNames as s } from './names.js';

export interface ServicePortInput {
  svc: ServiceRoute;
  port: ServiceRoute['ports'][number];
  /** Usable endpoints of this port, local ones flagged. */
  backends: Backend[];
  /** The checked ClusterIP, if the Service has one. */
  clusterIP?: string;
  /** ExternalIPs and, for a LoadBalancer, the node's own addresses. */
  externalAddresses: string[];
  clusterCIDR: string;
}

export function addServicePort(b: RuleSink, p: ServicePortInput): void {
  const { svc, port, backends, clusterIP } = p;
  const proto = port.protocol.toLowerCase();
  const names = servicePortNames(svc.namespace, svc.name, proto, port.port);
  const owner = `service ${svc.namespace}/${svc.name} port ${proto}/${port.port}`;
  const local = backends.filter((e) => e.local);
  const internal = svc.internalTrafficLocal ? local : backends;
  const external = svc.externalTrafficLocal ? local : backends;
  const hasEndpoints = backends.length > 0;
  const noEndpoints = hasEndpoints ? 'drop' : `goto ${c.reject}`;
  const nodePort = svc.type === 'NodePort' || svc.type === 'LoadBalancer' ? port.nodePort : undefined;

  const dispatch = (chain: string, to: Backend[]): string => {
    if (!b.hasChain(chain)) b.chain(chain, dispatchRules(b, p, names, proto, to));
    return chain;
  };
  const clusterChain = () => dispatch(names.cluster, backends);
  const localChain = () => dispatch(names.local, local);

  if (clusterIP !== undefined) {
    const key = `${clusterIP} . ${proto} . ${port.port}`;
    if (internal.length > 0) b.element(s.serviceIPs, key, `goto ${svc.internalTrafficLocal ? localChain() : clusterChain()}`, owner);
    else b.element(s.noEndpointServices, key, noEndpoints, owner);
  }

  if (nodePort === undefined && p.externalAddresses.length === 0) return;
  if (hasEndpoints) {
    const rules = svc.externalTrafficLocal
      ? [
          // Pods and the node itself are not subject to the policy: they may use any endpoint.
          `ip saddr ${p.clusterCIDR} goto ${clusterChain()}`,
          `fib saddr type local jump ${c.markMasquerade}`,
          `fib saddr type local goto ${clusterChain()}`,
          ...(local.length > 0 ? [`goto ${localChain()}`] : []),
        ]
      : [`jump ${c.markMasquerade}`, `goto ${clusterChain()}`];
    b.chain(names.external, rules);
  }
  for (const address of p.externalAddresses) {
    const key = `${address} . ${proto} . ${port.port}`;
    if (hasEndpoints) b.element(s.serviceIPs, key, `goto ${names.external}`, owner);
    if (external.length === 0) b.element(s.noEndpointServices, key, noEndpoints, owner);
  }
  if (nodePort !== undefined) {
    const key = `${proto} . ${nodePort}`;
    if (hasEndpoints) b.element(s.serviceNodePorts, key, `goto ${names.external}`, owner);
    if (external.length === 0) b.element(s.noEndpointNodePorts, key, noEndpoints, owner);
  }
}

function dispatchRules(b: RuleSink, p: ServicePortInput, names: ReturnType<typeof servicePortNames>, proto: string, to: Backend[]): string[] {
  const rules: string[] = [];
  // Off-cluster clients of the ClusterIP (the node itself among them) are masqueraded so replies come back here.
  if (p.clusterIP !== undefined) rules.push(`ip daddr ${p.clusterIP} ip saddr != ${p.clusterCIDR} jump ${c.markMasquerade}`);
  const timeout = p.svc.affinityTimeoutSeconds;
  if (timeout === undefined) {
    const targets = to.map((e) => `${e.ip} . ${e.port}`);
    rules.push(
      to.length === 1
        ? `meta l4proto ${proto} dnat ip to ${to[0]!.ip}:${to[0]!.port}`
        : `meta l4proto ${proto} dnat ip to numgen random mod ${to.length} map { ${targets.map((t, i) => `${i} : ${t}`).join(', ')} }`,
    );
    return rules;
  }
  // ClientIP affinity: a client seen recently goes back to its endpoint; the sets forget it after the timeout.
  const endpointChains = to.map((e) => {
    const chain = names.endpoint(e.ip, e.port);
    const set = names.affinity(e.ip, e.port);
    if (!b.hasSet(set)) b.set('set', set, ['type ipv4_addr', 'flags dynamic,timeout', `timeout ${timeout}s`]);
    if (!b.hasChain(chain)) b.chain(chain, [`update @${set} { ip saddr }`, `meta l4proto ${proto} dnat ip to ${e.ip}:${e.port}`]);
    rules.push(`ip saddr @${set} goto ${chain}`);
    return chain;
  });
  rules.push(
    endpointChains.length === 1
      ? `goto ${endpointChains[0]}`
      : `numgen random mod ${endpointChains.length} vmap { ${endpointChains.map((ch, i) => `${i} : goto ${ch}`).join(', ')} }`,
  );
  return rules;
}
