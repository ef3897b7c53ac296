/** What the reconciler and the node's network wiring see of the pod network (agent/network/pod/). */
import type { Pod } from '../../../shared/pod.js';
import type { NodeNetworkFacts } from '../types.js';

/** A pod attaches once the node knows these: its pod range (NodeNetworkFacts) and the cluster's DNS settings. */
export interface PodNetworkFacts extends NodeNetworkFacts {
  /** The cluster DNS address, e.g. 10.43.0.10 (kedge/v1/cluster/network `clusterDNS`). */
  clusterDNS: string;
  /** e.g. cluster.local (kedge/v1/cluster/network `clusterDomain`). */
  clusterDomain: string;
}

/** A pod on the pod network: its namespace, its address and the files its containers mount. */
export interface PodAttachment {
  uid: string;
  ip: string;
  /** Path of the pod's network namespace, for `ctr run --with-ns network:<path>`. */
  netns: string;
  /** Mounted read-only at /etc/resolv.conf and /etc/hosts in every container of the pod. */
  resolvConf: string;
  hosts: string;
}

/** What a hostNetwork pod whose dnsPolicy asks for the cluster DNS runs with. */
export interface HostNetworkFiles {
  /**
   * The node's own network namespace, pinned at a path: its containers join it with --with-ns,
   * because with ctr's --net-host the node's resolv.conf would be mounted over the pod's.
   */
  netns: string;
  resolvConf: string;
  /** The node's /etc/hosts, as ctr mounts it for host networking. */
  hosts: string;
}

export interface PodNetwork {
  /**
   * Gives the pod a network namespace and one address of the node's pod range (CNI ADD, after a
   * DEL of whatever an earlier try left). Idempotent: an attached pod keeps its namespace and address.
   */
  attach(pod: Pod, facts: PodNetworkFacts): Promise<PodAttachment>;
  /** CNI DEL, namespace and files removed, address freed; a pod that is not attached is fine. */
  detach(uid: string): Promise<void>;
  /**
   * For a hostNetwork pod whose dnsPolicy asks for the cluster DNS (ClusterFirstWithHostNet, or
   * None): its resolv.conf and the node's namespace to join; undefined when the node's own files are right.
   */
  hostNetworkFiles(pod: Pod, facts: PodNetworkFacts): Promise<HostNetworkFiles | undefined>;
  /**
   * At start, before pods are started: tears down what the journal holds for pods no longer
   * wanted whose containers are gone, and for wanted pods whose namespace did not survive (a
   * reboot) or whose ADD never finished (a crash), keeping their address for the next attach;
   * releases addresses and removes namespaces that no journal entry holds.
   */
  reconcile(pods: { wanted: ReadonlySet<string>; withContainers: ReadonlySet<string> }): Promise<void>;
  /** From memory, synchronously: the pod's attachment, if it is attached. */
  attachment(uid: string): PodAttachment | undefined;
  /** Every pod uid the network holds something for (attached, being attached, or an address kept). */
  uids(): string[];
}
