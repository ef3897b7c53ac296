import type { ClusterNetwork } from '../../../shared/cluster-network.js';
import type { NodeNetworkFacts } from '../types.js';
import { createLinkArgs, isEmpty, planChanges } from './changes.js';
import { routeProtocol, vxlanDevice } from './devices.js';
import { nodeNetworkFacts } from './facts.js';
import { connectedSubnets, mtuOf, parseFdb, parseLinks, parseNeighbours, parseRoutes } from './host-state.js';
import { planRoutes, type PlannedLink } from './plan.js';
import type { NetTools } from './tools.js';

export interface ApplyNodeNetworkOptions {
  nodeName: string;
  /** The node's own addresses, InternalIP first. */
  nodeIPs: string[];
  tools: NetTools;
  log: (msg: string) => void;
}

const defaultMtu = 1500;

async function createLink(link: PlannedLink, o: ApplyNodeNetworkOptions): Promise<void> {
  try {
    await o.tools.run('ip', createLinkArgs(link));
  } catch (e) {
    if (link.kind !== 'dummy' || !/unknown device type|not supported/i.test((e as Error).message)) throw e;
    o.log(`this kernel has no dummy devices (CONFIG_DUMMY): ${link.name} is a bridge without ports instead`);
    await o.tools.run('ip', createLinkArgs(link, 'bridge'));
  }
}

export interface AppliedNodeNetwork {
  /** This node's facts; null while the server has not given it a pod range. */
  facts: NodeNetworkFacts | null;
  /** What could not be set up as asked (nodes not routed, the node address on no interface). */
  warnings: string[];
}

/**
 * Makes the node's devices and routes match `network` (idempotent: only what differs is changed,
 * and only routes carrying kedge's protocol number are removed).
 */
export async function applyNodeNetwork(network: ClusterNetwork, o: ApplyNodeNetworkOptions): Promise<AppliedNodeNetwork> {
  const { tools } = o;
  const warnings: string[] = [];
  const links = parseLinks(await tools.run('ip', ['-j', '-d', 'addr', 'show']));
  const internalIP = o.nodeIPs[0] ?? network.nodes.find((n) => n.name === o.nodeName)?.internalIP ?? '';
  const found = mtuOf(links, internalIP);
  if (found === undefined) warnings.push(`no interface holds the node address ${internalIP || '(none)'}; assuming MTU ${defaultMtu} (check --node-ip)`);
  const facts = nodeNetworkFacts(network, { nodeName: o.nodeName, nodeIPs: o.nodeIPs, uplinkMtu: found ?? defaultMtu });
  if (!facts) return { facts, warnings };
  const plan = planRoutes(network, { facts, connected: connectedSubnets(links), internalIPIsLocal: found !== undefined });
  warnings.push(...plan.warnings);

  const tunnel = links.some((l) => l.name === vxlanDevice);
  const host = {
    links,
    routes: parseRoutes(await tools.run('ip', ['-j', 'route', 'show', 'proto', String(routeProtocol)])),
    neighbours: tunnel ? parseNeighbours(await tools.run('ip', ['-j', 'neigh', 'show', 'dev', vxlanDevice])) : [],
    fdb: tunnel ? parseFdb(await tools.run('bridge', ['-j', 'fdb', 'show', 'dev', vxlanDevice])) : [],
  };
  const changes = planChanges(plan, host);
  for (const [key, value] of Object.entries(plan.sysctls)) await tools.sysctl(key, value);
  if (isEmpty(changes)) return { facts, warnings };

  if (changes.remove.length) await tools.run('ip', ['-batch', '-'], `${changes.remove.join('\n')}\n`);
  for (const link of changes.create) await createLink(link, o);
  if (changes.ip.length) await tools.run('ip', ['-batch', '-'], `${changes.ip.join('\n')}\n`);
  if (changes.bridge.length) await tools.run('bridge', ['-batch', '-'], `${changes.bridge.join('\n')}\n`);
  const routes = plan.routes.filter((r) => r.via).length;
  o.log(`node network: ${network.backend}, pod range ${facts.podCIDR} on ${facts.bridge}, MTU ${facts.mtu}, routes to ${routes} other node${routes === 1 ? '' : 's'} (${changes.remove.length + changes.create.length + changes.ip.length + changes.bridge.length} changes)`);
  return { facts, warnings };
}

/** The node's routes as the agent keeps them: applied on every change and check, warnings logged when they change. */
export function createNodeRoutes(o: Omit<ApplyNodeNetworkOptions, 'nodeIPs'> & { nodeIPs: () => string[] }): (network: ClusterNetwork) => Promise<NodeNetworkFacts | null> {
  let said = '';
  return async (network) => {
    const r = await applyNodeNetwork(network, { ...o, nodeIPs: o.nodeIPs() });
    const text = r.warnings.join('\n');
    if (text !== said) for (const w of r.warnings) o.log(`node network: ${w}`);
    said = text;
    return r.facts;
  };
}
