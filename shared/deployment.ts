import { z } from 'zod';
import { conditionSchema, labelsSchema, objectMetaSchema } from './meta.js';
import { podTemplateSchema } from './pod.js';

export const labelSelectorSchema = z.object({
  matchLabels: labelsSchema.optional(),
  matchExpressions: z
    .array(z.object({ key: z.string(), operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']), values: z.array(z.string()).optional() }))
    .optional(),
});
export type LabelSelectorSpec = z.infer<typeof labelSelectorSchema>;

const intOrPercent = z.union([z.number().int().min(0), z.string().regex(/^[0-9]+%$/, 'must be a number or a percentage like 25%')]);

export const deploymentSpecSchema = z.object({
  replicas: z.number().int().min(0).optional(),
  selector: labelSelectorSchema,
  template: podTemplateSchema,
  strategy: z
    .object({
      type: z.enum(['RollingUpdate', 'Recreate']).optional(),
      rollingUpdate: z.object({ maxSurge: intOrPercent.optional(), maxUnavailable: intOrPercent.optional() }).optional(),
    })
    .optional(),
  minReadySeconds: z.number().int().min(0).optional(),
  revisionHistoryLimit: z.number().int().min(0).optional(),
  progressDeadlineSeconds: z.number().int().min(1).optional(),
  paused: z.boolean().optional(),
});
export type DeploymentSpec = z.infer<typeof deploymentSpecSchema>;

export const deploymentStatusSchema = z.object({
  observedGeneration: z.number().int().optional(),
  replicas: z.number().int().optional(),
  updatedReplicas: z.number().int().optional(),
  readyReplicas: z.number().int().optional(),
  availableReplicas: z.number().int().optional(),
  unavailableReplicas: z.number().int().optional(),
  conditions: z.array(conditionSchema).optional(),
});
export type DeploymentStatus = z.infer<typeof deploymentStatusSchema>;

export const deploymentSchema = z.object({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('Deployment'),
  metadata: objectMetaSchema,
  spec: deploymentSpecSchema,
  status: deploymentStatusSchema.optional(),
});
export type Deployment = z.infer<typeof deploymentSchema>;
