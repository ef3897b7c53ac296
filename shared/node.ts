import { z } from 'zod';
import { conditionSchema, objectMetaSchema, readyConditionOf } from './meta.js';

export const taintSchema = z.object({
  key: z.string().min(1),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
  timeAdded: z.string().optional(),
});
export type Taint = z.infer<typeof taintSchema>;

const resourceMap = z.record(z.string(), z.string());

export const nodeSpecSchema = z.object({
  unschedulable: z.boolean().optional().describe('When true (kubectl cordon), no new pods are scheduled to the node.'),
  taints: z.array(taintSchema).optional().describe('Taints keep pods that do not tolerate them off the node.'),
  podCIDR: z.string().optional().describe('The address range of the pods on this node.'),
  podCIDRs: z.array(z.string()).optional().describe('The address ranges of the pods on this node, podCIDR first.'),
});

export const nodeStatusSchema = z.object({
  capacity: resourceMap.optional().describe('The resources of the node: cpu, memory, ephemeral-storage, pods.'),
  allocatable: resourceMap.optional().describe('The resources of the node that pods may request.'),
  conditions: z.array(conditionSchema).optional().describe('Ready, from the heartbeats of the node.'),
  addresses: z.array(z.object({ type: z.string(), address: z.string() })).optional().describe('Addresses of the node (InternalIP, Hostname).'),
  nodeInfo: z
    .object({
      architecture: z.string(),
      operatingSystem: z.string(),
      kernelVersion: z.string(),
      osImage: z.string(),
      containerRuntimeVersion: z.string(),
      kubeletVersion: z.string(),
      machineID: z.string().optional(),
      bootID: z.string().optional(),
      systemUUID: z.string().optional(),
      kubeProxyVersion: z.string().optional(),
    })
    .optional()
    .describe('Facts about the node: architecture, operating system, kernel, container runtime and version.'),
});
export type NodeStatus = z.infer<typeof nodeStatusSchema>;

export const nodeSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Node'),
    metadata: objectMetaSchema,
    spec: nodeSpecSchema.optional(),
    status: nodeStatusSchema.optional(),
  })
  .describe('A Node is a machine running the kedge agent, which joined the cluster and runs pods.');
export type Node = z.infer<typeof nodeSchema>;

/** Whether the node's Ready condition is True. */
export function isNodeReady(node: Node): boolean {
  return readyConditionOf(node)?.status === 'True';
}

const roleLabelPrefix = 'node-role.kubernetes.io/';

/** kubectl's ROLES: node-role.kubernetes.io/<role> labels and the kubernetes.io/role label, sorted; "<none>" without any. */
export function nodeRoles(node: Node): string {
  const labels = node.metadata.labels ?? {};
  const roles = new Set<string>();
  for (const k of Object.keys(labels)) if (k.startsWith(roleLabelPrefix) && k.length > roleLabelPrefix.length) roles.add(k.slice(roleLabelPrefix.length));
  if (labels['kubernetes.io/role']) roles.add(labels['kubernetes.io/role']);
  return roles.size ? [...roles].sort().join(',') : '<none>';
}
