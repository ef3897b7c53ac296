import { readyConditionOf, type Condition } from '../../shared/meta.js';
import type { NodeReport } from '../../shared/messages.js';
import type { Node, NodeStatus } from '../../shared/node.js';
import { kubeGitVersion } from '../../shared/version.js';

/** The stable part of a node's status derived from a report: what changes rarely and is worth a disk write. */
export function statusFromReport(r: NodeReport): Pick<NodeStatus, 'capacity' | 'allocatable' | 'nodeInfo' | 'addresses'> {
  const capacity = {
    cpu: String(r.cpu.count),
    memory: `${Math.floor(r.memory.total / 1024)}Ki`,
    pods: '110',
    'ephemeral-storage': `${Math.floor(r.disk.total / 1024)}Ki`,
  };
  return {
    capacity,
    allocatable: { ...capacity },
    nodeInfo: {
      architecture: r.arch,
      operatingSystem: r.os,
      kernelVersion: r.kernel,
      osImage: r.osImage,
      containerRuntimeVersion: r.containerRuntimeVersion,
      kubeletVersion: kubeGitVersion(r.agentVersion),
    },
    addresses: [
      ...r.addresses.slice(0, 1).map((a) => ({ type: 'InternalIP', address: a })),
      { type: 'Hostname', address: r.hostname },
    ],
  };
}

export function readyCondition(ready: boolean, now: Date, reason?: string, message?: string): Condition {
  return {
    type: 'Ready',
    status: ready ? 'True' : 'Unknown',
    reason: reason ?? (ready ? 'KubeletReady' : 'NodeStatusUnknown'),
    message: message ?? (ready ? 'kedge agent is posting ready status' : 'Kedge agent stopped posting node status.'),
    lastTransitionTime: now.toISOString(),
    lastHeartbeatTime: now.toISOString(),
  };
}

export function readyStatusOf(node: Node): Condition['status'] | undefined {
  return readyConditionOf(node)?.status;
}

/** Sets the Ready condition, keeping other conditions. */
export function withReady(node: Node, cond: Condition): Node {
  const others = (node.status?.conditions ?? []).filter((c) => c.type !== 'Ready');
  return { ...node, status: { ...(node.status ?? {}), conditions: [cond, ...others] } };
}
