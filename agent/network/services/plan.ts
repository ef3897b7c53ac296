/**
 * Service routing on this node as plain data: `planRules` computes the whole table from the cluster's
 * Services and this node's facts; `renderRules` is that table as one atomic `nft -f` script.
 */
import { isIPv6 } from 'node:net';
import type { ServiceRoute } from '../../../shared/cluster-network.js';
import { KedgeError } from '../../../shared/errors.js';
import type { LocalPod, ServiceRulesInput } from '../types.js';
import { compareIPv4, isIPv4, isIPv4Cidr } from './addresses.js';
import { backendsOf, type NodeView } from './backends.js';
import { PartRecorder, RulesetBuilder, type RuleSink } from './builder.js';
import { addFrame } from './frame.js';
import { addHostPorts } from './host-ports.js';
import { isLabel, isTableName, setNames } from './names.js';
import type { PlanCache } from './plan-cache.js';
import { renderRuleset, type Ruleset } from './ruleset.js';
import { addServicePort } from './service-port.js';

export const defaultTable = 'kedge';

export interface RulesPlan {
  ruleset: Ruleset;
  /** What was left out and why (a bad address, a key two Services claim), for the log. */
  problems: string[];
}

function invalid(field: string, value: string, what: string): KedgeError {
  return new KedgeError('Invalid', `${field}: "${value}" is not ${what}`, { details: { causes: [{ field, message: `not ${what}` }] } });
}

/** With a cache (kept from sync to sync), unchanged Services are not planned again; the plan is the same either way. */
export function planRules(input: ServiceRulesInput, table = defaultTable, cache?: PlanCache): RulesPlan {
  const { network, node } = input;
  if (!isTableName(table)) throw invalid('table', table, 'an nftables table name');
  if (!isIPv4Cidr(network.clusterCIDR)) throw invalid('network.clusterCIDR', network.clusterCIDR, 'an IPv4 CIDR');
  if (!isIPv4Cidr(network.serviceCIDR)) throw invalid('network.serviceCIDR', network.serviceCIDR, 'an IPv4 CIDR');
  if (!isIPv4(network.clusterDNS)) throw invalid('network.clusterDNS', network.clusterDNS, 'an IPv4 address');

  const problems: string[] = [];
  const b = new RulesetBuilder(table, problems);
  addFrame(b, network);
  // IPv6 node addresses are fine, just not this table's family.
  const nodeIPs = [...new Set(keepIPv4(node.nodeIPs.filter((ip) => !isIPv6(ip)), 'node address', problems))];
  for (const ip of nodeIPs) b.element(setNames.nodePortIPs, ip, undefined, 'node');

  const localPods = input.localPods
    .filter((p) => keepIPv4([p.ip], `pod ${p.namespace}/${p.name}: ip`, problems).length > 0)
    .sort((x, y) => byName(`${x.namespace}/${x.name}`, `${y.namespace}/${y.name}`));
  const view: NodeView = { nodeName: node.nodeName, localPods: new Map(localPods.map((p) => [p.uid, p])) };
  const services = sortByNamespaceName(input.services);
  cache?.begin(JSON.stringify([table, network.clusterCIDR, node.nodeName, nodeIPs]));
  for (const svc of services) {
    const plan = () => {
      const part = new PartRecorder();
      addService(part, svc, view, nodeIPs, network.clusterCIDR);
      return part.part;
    };
    b.add(cache ? cache.part(svc, view, plan) : plan());
  }
  cache?.end();
  addHostPorts(b, localPods, nodeIPs);
  for (const ip of hairpinAddresses(localPods, services, node.nodeName)) b.element(setNames.hairpin, `${ip} . ${ip}`, undefined, 'node');
  return { ruleset: b.build(), problems };
}

export function renderRules(input: ServiceRulesInput, table = defaultTable): string {
  return renderRuleset(planRules(input, table).ruleset);
}

function addService(b: RuleSink, svc: ServiceRoute, view: NodeView, nodeIPs: string[], clusterCIDR: string): void {
  const problems = b.problems;
  const id = `service ${svc.namespace}/${svc.name}`;
  if (!isLabel(svc.namespace) || !isLabel(svc.name)) {
    problems.push(`${id}: namespace and name must be DNS labels; left out`);
    return;
  }
  if (svc.type === 'ExternalName' || svc.clusterIP === undefined || svc.clusterIP === 'None') return;
  if (!isIPv4(svc.clusterIP)) {
    problems.push(`${id}: clusterIP "${svc.clusterIP}" is not an IPv4 address; left out`);
    return;
  }
  const externalIPs = keepIPv4(svc.externalIPs ?? [], `${id}: externalIP`, problems);
  const externalAddresses = [...externalIPs, ...(svc.type === 'LoadBalancer' && svc.loadBalancer ? nodeIPs : [])];
  for (const port of svc.ports) {
    if (!validPort(port.port) || (port.nodePort !== undefined && !validPort(port.nodePort))) {
      problems.push(`${id}: port ${port.port} (nodePort ${port.nodePort}) is out of range; left out`);
      continue;
    }
    const backends = backendsOf(svc, port.name, view, problems);
    addServicePort(b, { svc, port, backends, clusterIP: svc.clusterIP, externalAddresses, clusterCIDR });
  }
}

/** Code-point order: stable on every machine, and far cheaper than localeCompare for thousands of Services. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortByNamespaceName(services: readonly ServiceRoute[]): ServiceRoute[] {
  return services
    .map((svc) => ({ id: `${svc.namespace}/${svc.name}`, svc }))
    .sort((x, y) => byName(x.id, y.id))
    .map((x) => x.svc);
}

function keepIPv4(values: readonly string[], what: string, problems: string[]): string[] {
  const bad = values.filter((v) => !isIPv4(v));
  for (const v of bad) problems.push(`${what} "${v}" is not an IPv4 address; left out`);
  return bad.length === 0 ? [...values] : values.filter((v) => isIPv4(v));
}

function validPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** This node's pod addresses, and its endpoints' (a hostNetwork endpoint has the node's address). */
function hairpinAddresses(pods: readonly LocalPod[], services: readonly ServiceRoute[], nodeName: string): string[] {
  const ips = new Set(pods.map((p) => p.ip));
  for (const svc of services) for (const ep of svc.endpoints) if (ep.nodeName === nodeName && isIPv4(ep.ip)) ips.add(ep.ip);
  return [...ips].sort(compareIPv4);
}
