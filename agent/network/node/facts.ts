import type { ClusterNetwork } from '../../../shared/cluster-network.js';
import { KedgeError } from '../../../shared/errors.js';
import type { NodeNetworkFacts } from '../types.js';
import { bridgeDevice, vxlanOverhead } from './devices.js';
import { formatRange, parseRange } from './ipv4.js';

/** What the node knows about itself, apart from the cluster network message. */
export interface NodeSelf {
  nodeName: string;
  /** The node's own addresses, --node-ip first: the first is its InternalIP. */
  nodeIPs: string[];
  /** MTU of the interface holding the InternalIP. */
  uplinkMtu: number;
}

/**
 * This node's part of the cluster network; null while the server has not given it a pod range.
 * Throws when the range it was given is not an IPv4 range (the message names it).
 */
export function nodeNetworkFacts(network: ClusterNetwork, self: NodeSelf): NodeNetworkFacts | null {
  const index = network.nodes.findIndex((n) => n.name === self.nodeName);
  const entry = network.nodes[index];
  if (!entry || !entry.podCIDR) return null;
  const range = parseRange(entry.podCIDR);
  if (!range || range.prefix > 30) {
    throw new KedgeError('Invalid', `cluster network message: nodes[${index}].podCIDR "${entry.podCIDR}" of node ${self.nodeName} is not an IPv4 range with room for pods`);
  }
  const internalIP = self.nodeIPs[0] ?? entry.internalIP;
  return {
    nodeName: self.nodeName,
    nodeIPs: self.nodeIPs.length ? self.nodeIPs : [internalIP],
    internalIP,
    podCIDR: formatRange(range),
    bridge: bridgeDevice,
    // The tunnel's headers come out of the uplink's MTU.
    mtu: network.backend === 'vxlan' ? self.uplinkMtu - vxlanOverhead : self.uplinkMtu,
  };
}
