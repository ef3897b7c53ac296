import type { ClusterNetwork, NetworkBackend } from '../../../shared/cluster-network.js';
import { KedgeError } from '../../../shared/errors.js';
import type { NodeNetworkFacts } from '../types.js';
import { bridgeDevice, servicesDevice, vxlanDevice, vxlanPort, vxlanVni } from './devices.js';
import { addressInRange, formatRange, inAnyRange, parseIpv4, parseRange, type Ipv4Range } from './ipv4.js';
import { vtepAddress, vtepMac } from './vtep.js';

export interface PlannedLink {
  name: string;
  kind: 'bridge' | 'dummy' | 'vxlan';
  /** Its IPv4 addresses as address/prefix; any other IPv4 address on it goes. */
  addresses: string[];
  mtu?: number;
  mac?: string;
  vxlan?: { vni: number; port: number; local: string };
}

export interface PlannedRoute {
  type: 'unicast' | 'unreachable';
  dst: string;
  via?: string;
  dev?: string;
  onlink?: boolean;
  /** Source address for traffic the node itself sends this way. */
  src?: string;
}

/** A permanent neighbour entry on the tunnel: a remote node's endpoint address → its MAC. */
export interface PlannedNeighbour {
  ip: string;
  mac: string;
  dev: string;
}

/** A permanent forwarding entry on the tunnel: a remote endpoint's MAC → that node's InternalIP. */
export interface PlannedFdb {
  mac: string;
  dst: string;
  dev: string;
}

/** Everything kedge wants of the node's network, as data; applying it is apply.ts's job. */
export interface NodeRoutePlan {
  links: PlannedLink[];
  routes: PlannedRoute[];
  neighbours: PlannedNeighbour[];
  fdb: PlannedFdb[];
  sysctls: Record<string, string>;
  /** Nodes that cannot be routed to, and why. */
  warnings: string[];
}

export interface RouteSelf {
  facts: NodeNetworkFacts;
  /** The subnets directly connected to this node's own interfaces (address/prefix); host-gw needs other nodes in one of them. */
  connected: string[];
  /** False when no interface holds the InternalIP (a wrong --node-ip): the kernel refuses it as a source address. */
  internalIPIsLocal?: boolean;
}

function range(text: string, field: string): Ipv4Range {
  const r = parseRange(text);
  if (!r) throw new KedgeError('Invalid', `cluster network message: ${field} "${text}" is not an IPv4 range`);
  return r;
}

/**
 * The node's devices and routes for `backend`: its pod bridge, the service dummy with the cluster
 * DNS address, a route to every other node's pod range (host-gw: via its InternalIP; vxlan: through
 * the tunnel), `unreachable` for the rest of the cluster range and forwarding on.
 */
export function planRoutes(network: ClusterNetwork, self: RouteSelf, backend: NetworkBackend = network.backend): NodeRoutePlan {
  const { facts } = self;
  const clusterRange = range(network.clusterCIDR, 'clusterCIDR');
  const serviceRange = range(network.serviceCIDR, 'serviceCIDR');
  if (parseIpv4(network.clusterDNS) === null) throw new KedgeError('Invalid', `cluster network message: clusterDNS "${network.clusterDNS}" is not an IPv4 address`);
  const ownRange = range(facts.podCIDR, 'podCIDR');

  const plan: NodeRoutePlan = {
    links: [
      { name: bridgeDevice, kind: 'bridge', addresses: [`${addressInRange(ownRange, 1)}/${ownRange.prefix}`], mtu: facts.mtu },
      { name: servicesDevice, kind: 'dummy', addresses: [`${network.clusterDNS}/32`] },
    ],
    routes: [
      // An unused address of the cluster range must never leave by the default route.
      { type: 'unreachable', dst: formatRange(clusterRange) },
      // The node's own traffic to a ClusterIP needs a route to be DNATed at all; src keeps replies coming back to the node.
      { type: 'unicast', dst: formatRange(serviceRange), dev: servicesDevice, ...(self.internalIPIsLocal === false ? {} : { src: facts.internalIP }) },
    ],
    neighbours: [],
    fdb: [],
    sysctls: { 'net.ipv4.ip_forward': '1' },
    warnings: [],
  };
  if (backend === 'vxlan') {
    plan.links.push({
      name: vxlanDevice,
      kind: 'vxlan',
      addresses: [`${vtepAddress(ownRange)}/32`],
      mtu: facts.mtu,
      mac: vtepMac(ownRange),
      vxlan: { vni: vxlanVni, port: vxlanPort, local: facts.internalIP },
    });
  }

  network.nodes.forEach((node, i) => {
    if (node.name === facts.nodeName || !node.podCIDR) return;
    const podRange = parseRange(node.podCIDR);
    if (!podRange || parseIpv4(node.internalIP) === null) {
      plan.warnings.push(`node ${node.name}: not routed, nodes[${i}] has podCIDR "${node.podCIDR}" and internalIP "${node.internalIP}" (an IPv4 range and address are needed)`);
      return;
    }
    const dst = formatRange(podRange);
    if (backend === 'host-gw') {
      if (!inAnyRange(node.internalIP, self.connected)) {
        plan.warnings.push(
          `node ${node.name}: not routed, its address ${node.internalIP} is not on a subnet of this node; host-gw needs all nodes on one L2 segment (start the server with --network-backend vxlan)`,
        );
        return;
      }
      plan.routes.push({ type: 'unicast', dst, via: node.internalIP });
      return;
    }
    const vtep = vtepAddress(podRange);
    const mac = vtepMac(podRange);
    plan.routes.push({ type: 'unicast', dst, via: vtep, dev: vxlanDevice, onlink: true });
    plan.neighbours.push({ ip: vtep, mac, dev: vxlanDevice });
    plan.fdb.push({ mac, dst: node.internalIP, dev: vxlanDevice });
  });
  return plan;
}
