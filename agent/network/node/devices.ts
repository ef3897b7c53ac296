/** The node's network devices kedge owns, and the mark on its routes. */

/** The pod bridge (the CNI bridge plugin's `bridge`); holds the first address of the node's pod range. */
export const bridgeDevice = 'kedge0';
/** A dummy device: the service range is routed to it and it holds the cluster DNS address. */
export const servicesDevice = 'kedge-svc';
/** The vxlan tunnel endpoint of the vxlan backend. */
export const vxlanDevice = 'kedge.vxlan';
/** Routes kedge adds carry this protocol number, so that only kedge's own routes are ever removed. */
export const routeProtocol = 66;

/** flannel's values: nodes that ran flannel keep their firewall rules. */
export const vxlanVni = 1;
export const vxlanPort = 8472;
/** Outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14) headers. */
export const vxlanOverhead = 50;

/** Interfaces whose addresses are kedge's, not the node's: the pod bridge, the service dummy, the tunnel and pod veths. */
export function isKedgeInterface(name: string): boolean {
  return name === bridgeDevice || name === servicesDevice || name === vxlanDevice || name.startsWith('veth');
}
