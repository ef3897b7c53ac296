import type { Node, Taint } from '../../../shared/node.js';
import type { Pod } from '../../../shared/pod.js';

/** Builders for scheduler tests and benchmarks. */
export function makeNode(name: string, o: { cpu?: string; memory?: string; pods?: number; ready?: boolean; labels?: Record<string, string>; unschedulable?: boolean; taints?: Taint[] } = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/arch': 'amd64', ...(o.labels ?? {}) } },
    spec: { unschedulable: o.unschedulable, taints: o.taints },
    status: {
      allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '4Gi', pods: String(o.pods ?? 110) },
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  };
}

export function makePod(name: string, o: { cpu?: string; memory?: string; nodeName?: string; nodeSelector?: Record<string, string>; owner?: string; hostPort?: number; created?: string; tolerations?: Pod['spec']['tolerations']; affinity?: Pod['spec']['affinity'] } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      creationTimestamp: o.created ?? '2026-01-01T00:00:00Z',
      ownerReferences: o.owner ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.owner, uid: o.owner, controller: true }] : undefined,
    },
    spec: {
      nodeName: o.nodeName,
      nodeSelector: o.nodeSelector,
      tolerations: o.tolerations,
      affinity: o.affinity,
      containers: [
        {
          name: 'c',
          image: 'busybox',
          resources: { requests: { ...(o.cpu ? { cpu: o.cpu } : {}), ...(o.memory ? { memory: o.memory } : {}) } },
          ports: o.hostPort ? [{ containerPort: o.hostPort, hostPort: o.hostPort }] : undefined,
        },
      ],
    },
  };
}
