import type { Node } from '../../../shared/node.js';

/** A Ready Raspberry Pi-like control-plane node, as its agent reports it, created two days before 2024-05-01T12:00:00Z. */
export function piNode(over: Partial<Node> = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'pi-1', creationTimestamp: '2024-04-29T12:00:00Z', labels: { 'node-role.kubernetes.io/control-plane': 'true' } },
    spec: {},
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      capacity: { cpu: '4', memory: '8135368Ki' },
      addresses: [{ type: 'InternalIP', address: '192.168.1.20' }],
      nodeInfo: { architecture: 'arm64', operatingSystem: 'linux', kernelVersion: '6.6.31', osImage: 'Debian GNU/Linux 12', containerRuntimeVersion: 'containerd://1.7.12', kubeletVersion: 'v0.1.0-kedge' },
    },
    ...over,
  };
}
