import { z } from 'zod';
import { conditionSchema, objectMetaSchema } from './meta.js';

export const taintSchema = z.object({
  key: z.string().min(1),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
  timeAdded: z.string().optional(),
});
export type Taint = z.infer<typeof taintSchema>;

const resourceMap = z.record(z.string(), z.string());

export const nodeSpecSchema = z.object({
  unschedulable: z.boolean().optional(),
  taints: z.array(taintSchema).optional(),
  podCIDR: z.string().optional(),
  podCIDRs: z.array(z.string()).optional(),
});

export const nodeStatusSchema = z.object({
  capacity: resourceMap.optional(),
  allocatable: resourceMap.optional(),
  conditions: z.array(conditionSchema).optional(),
  addresses: z.array(z.object({ type: z.string(), address: z.string() })).optional(),
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
    .optional(),
});
export type NodeStatus = z.infer<typeof nodeStatusSchema>;

export const nodeSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Node'),
  metadata: objectMetaSchema,
  spec: nodeSpecSchema.optional(),
  status: nodeStatusSchema.optional(),
});
export type Node = z.infer<typeof nodeSchema>;
