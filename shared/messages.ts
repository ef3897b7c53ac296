import { z } from 'zod';
import { configMapSchema, secretSchema } from './configmap.js';
import { labelsSchema } from './meta.js';
import { podSchema, podStatusSchema } from './pod.js';

/** kedge/v1/nodes/{node}/status — the heartbeat: resources and host facts, QoS 0. */
export const nodeReportSchema = z.object({
  node: z.string(),
  time: z.string(),
  agentVersion: z.string(),
  arch: z.string(),
  os: z.string(),
  kernel: z.string(),
  osImage: z.string(),
  hostname: z.string(),
  addresses: z.array(z.string()).max(64),
  containerRuntimeVersion: z.string(),
  cpu: z.object({ count: z.number().int().min(1), model: z.string(), load1: z.number() }),
  memory: z.object({ total: z.number().min(0), available: z.number().min(0) }),
  disk: z.object({ total: z.number().min(0), free: z.number().min(0) }),
  temperature: z.number().optional(),
  // Valid label keys and values only: they end up in the Node object.
  labels: labelsSchema,
});
export type NodeReport = z.infer<typeof nodeReportSchema>;

/** kedge/v1/nodes/{node}/pods — pod status changes, QoS 1. `full` means: this is every pod the node has. */
export const podStatusReportSchema = z.object({
  node: z.string(),
  full: z.boolean().optional(),
  pods: z
    .array(
      z.object({
        namespace: z.string(),
        name: z.string(),
        uid: z.string(),
        status: podStatusSchema,
      }),
    )
    .max(1000),
});
export type PodStatusReport = z.infer<typeof podStatusReportSchema>;

/** kedge/v1/nodes/{node}/desired — the node's whole desired pod set, retained, QoS 1. */
export const desiredStateSchema = z.object({
  node: z.string(),
  revision: z.number().int().min(0),
  pods: z.array(podSchema),
  /** Only the ConfigMaps and Secrets that this node's pods reference (Secrets go to no other node). */
  configMaps: z.array(configMapSchema).optional(),
  secrets: z.array(secretSchema).optional(),
});
export type DesiredState = z.infer<typeof desiredStateSchema>;

/** kedge/v1/nodes/{node}/online — "1" or "0", retained; the last will is "0". */
export const onlineSchema = z.enum(['1', '0']);

/** The answer to POST /kedge/v1/join. */
export const joinRequestSchema = z.object({
  nodeName: z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'node names must be DNS-1123 labels (lower case alphanumerics and -)'),
  nodePassword: z.string().min(16),
  labels: labelsSchema.optional(),
});
export type JoinRequest = z.infer<typeof joinRequestSchema>;

export const joinResponseSchema = z.object({
  nodeName: z.string(),
  ca: z.string(),
  mqtt: z.object({ url: z.string(), username: z.string(), password: z.string() }),
});
export type JoinResponse = z.infer<typeof joinResponseSchema>;

/** kedge/v1/nodes/{node}/events — what happened to pods on the node (Pulled, Started, BackOff, Unhealthy…), QoS 1. */
export const nodeEventsSchema = z.object({
  node: z.string(),
  events: z
    .array(
      z.object({
        pod: z.object({ namespace: z.string(), name: z.string(), uid: z.string() }),
        /** e.g. spec.containers{web} */
        fieldPath: z.string().optional(),
        reason: z.string().max(128),
        message: z.string().max(4096),
        type: z.enum(['Normal', 'Warning']),
        time: z.string(),
        count: z.number().int().min(1).optional(),
      }),
    )
    .max(200),
});
export type NodeEvents = z.infer<typeof nodeEventsSchema>;
