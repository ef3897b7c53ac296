import { clusterTopicRoot, nodePrefix, parseTopic } from '../../shared/topics.js';

/** Node names are DNS-1123 labels, so they never contain MQTT separators or wildcards. */
const nodeName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function validNodeName(name: string | undefined): name is string {
  return !!name && name.length <= 63 && nodeName.test(name);
}

/**
 * A node's client id is its name, or its name + ":" + anything. ":" never appears in a node name,
 * so node "pi" cannot take the id of node "pi-2" and kick that node's session.
 */
export function clientIdAllowed(node: string, clientId: string): boolean {
  return clientId === node || clientId.startsWith(`${node}:`);
}

/** Why `node` may not publish to `topic`, or null when it may. */
export function publishDenied(node: string, topic: string): string | null {
  if (topic.startsWith(`${clusterTopicRoot}/`)) return 'only the server writes cluster state';
  if (!topic.startsWith(nodePrefix(node))) return 'outside its own topic prefix';
  const parsed = parseTopic(topic);
  if (!parsed || parsed.node !== node) return 'not a kedge node topic';
  if (parsed.kind === 'desired') return 'only the server writes desired state';
  return null;
}

/**
 * Why `node` may not subscribe to `filter`, or null when it may: wildcards only below its own prefix,
 * and the cluster state every node shares (kedge/v1/cluster/…, read-only).
 */
export function subscribeDenied(node: string, filter: string): string | null {
  if (filter.startsWith(`${clusterTopicRoot}/`)) return null;
  if (!filter.startsWith(nodePrefix(node))) return 'outside its own topic prefix';
  return null;
}
