/**
 * What the pieces of the node's network hand each other: the pod attacher (CNI), the node's routes,
 * the Service rules (nftables) and the cluster DNS. Only agent/network/ runs CNI plugins, `nft` and `ip`.
 */
import type { ClusterNetwork, ServiceRoute } from '../../shared/cluster-network.js';

/** This node's part of the cluster network, known once the server has given it a pod range. */
export interface NodeNetworkFacts {
  nodeName: string;
  /** The node's own addresses: NodePorts, hostPorts and LoadBalancer ports answer on them. */
  nodeIPs: string[];
  /** The address other nodes reach this one at (host-gw gateway, vxlan endpoint). */
  internalIP: string;
  /** This node's pod range, e.g. 10.42.3.0/24; its first address is the bridge's. */
  podCIDR: string;
  /** The pod bridge, e.g. kedge0. */
  bridge: string;
  /** MTU for pod interfaces (the uplink's, less 50 for vxlan). */
  mtu: number;
}

export interface HostPort {
  hostPort: number;
  containerPort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  hostIP?: string;
}

/** A pod of this node on the pod network, as the Service rules and the DNS see it. */
export interface LocalPod {
  uid: string;
  namespace: string;
  name: string;
  ip: string;
  /** Running and passing its readiness probes, as the agent knows it now (not as the server last heard). */
  ready: boolean;
  hostPorts: HostPort[];
}

/** Everything the node's Service rules are rendered from. */
export interface ServiceRulesInput {
  network: ClusterNetwork;
  services: ServiceRoute[];
  node: NodeNetworkFacts;
  localPods: LocalPod[];
}

/** Service routing on this node: one private nftables table, replaced whole in one `nft -f` transaction. */
export interface ServiceRouter {
  sync(input: ServiceRulesInput): Promise<void>;
  /** Deletes the table. */
  remove(): Promise<void>;
}

/** The cluster DNS the agent answers itself on the cluster DNS address. */
export interface ClusterDns {
  update(input: { network: ClusterNetwork; services: ServiceRoute[]; localPods: LocalPod[] }): void;
  close(): Promise<void>;
}
