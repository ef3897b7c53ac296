/** MQTT topic builders. Every node lives under kedge/v1/nodes/{node}/. */
export const topicRoot = 'kedge/v1/nodes';
/** Server → every node, retained: what all nodes share (pod ranges, Services). Nodes may only subscribe. */
export const clusterTopicRoot = 'kedge/v1/cluster';

export type NodeTopicKind = 'status' | 'pods' | 'online' | 'desired' | 'events';

export function nodePrefix(node: string): string {
  return `${topicRoot}/${node}/`;
}

export const topics = {
  status: (node: string) => `${topicRoot}/${node}/status`,
  pods: (node: string) => `${topicRoot}/${node}/pods`,
  online: (node: string) => `${topicRoot}/${node}/online`,
  desired: (node: string) => `${topicRoot}/${node}/desired`,
  events: (node: string) => `${topicRoot}/${node}/events`,
  rpc: (node: string, rest: string) => `${topicRoot}/${node}/rpc/${rest}`,
  /** server → node: a request (or the cancel of a stream) with the given id. */
  rpcRequest: (node: string, id: string) => `${topicRoot}/${node}/rpc/req/${id}`,
  /** What a node subscribes to for its requests. */
  rpcRequests: (node: string) => `${topicRoot}/${node}/rpc/req/+`,
  /** node → server: the answers to request `id`. */
  rpcResponse: (node: string, id: string) => `${topicRoot}/${node}/rpc/res/${id}`,
  /** The network settings and every node's pod range (shared/cluster-network.ts). */
  clusterNetwork: `${clusterTopicRoot}/network`,
  /** Every Service with its endpoints (shared/cluster-network.ts). */
  clusterServices: `${clusterTopicRoot}/services`,
};

/** Splits a topic into node and kind; null when it is not a kedge node topic. */
export function parseTopic(topic: string): { node: string; kind: NodeTopicKind | 'rpc'; rest: string } | null {
  const parts = topic.split('/');
  if (parts.length < 5 || parts[0] !== 'kedge' || parts[1] !== 'v1' || parts[2] !== 'nodes') return null;
  const node = parts[3]!;
  const kind = parts[4]!;
  if (!node) return null;
  if (kind === 'rpc') return { node, kind, rest: parts.slice(5).join('/') };
  if (parts.length !== 5) return null;
  if (kind === 'status' || kind === 'pods' || kind === 'online' || kind === 'desired' || kind === 'events') return { node, kind, rest: '' };
  return null;
}
