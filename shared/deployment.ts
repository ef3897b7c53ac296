import { z } from 'zod';
import { conditionSchema, labelsSchema, objectMetaSchema } from './meta.js';
import { podTemplateSchema } from './pod.js';

export const labelSelectorSchema = z.object({
  matchLabels: labelsSchema.optional().describe('Selects objects whose labels include all of these key/value pairs.'),
  matchExpressions: z
    .array(
      z.object({
        key: z.string().describe('The label key the requirement applies to.'),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']).describe('How the key relates to the values.'),
        values: z.array(z.string()).optional().describe('The values for In and NotIn; empty for Exists and DoesNotExist.'),
      }),
    )
    .optional()
    .describe('Selects objects whose labels meet all of these requirements (ANDed with matchLabels).'),
});
export type LabelSelectorSpec = z.infer<typeof labelSelectorSchema>;

const intOrPercent = z.union([z.number().int().min(0), z.string().regex(/^[0-9]+%$/, 'must be a number or a percentage like 25%')]);

export const deploymentSpecSchema = z.object({
  replicas: z.number().int().min(0).optional().describe('Number of desired pods. Defaults to 1.'),
  selector: labelSelectorSchema.describe("Label selector for the pods the Deployment manages. It must match the pod template's labels and cannot be changed."),
  template: podTemplateSchema.describe('Template of the pods the Deployment creates; changing it starts a rollout.'),
  strategy: z
    .object({
      type: z.enum(['RollingUpdate', 'Recreate']).optional().describe('RollingUpdate (the default) replaces pods a few at a time; Recreate stops all old pods before starting new ones.'),
      rollingUpdate: z
        .object({
          maxSurge: intOrPercent.optional().describe('How many pods may exist above replicas during a rolling update: a number or a percentage of replicas (rounded up). Defaults to 25%.'),
          maxUnavailable: intOrPercent.optional().describe('How many pods may be unavailable during a rolling update: a number or a percentage of replicas (rounded down). Defaults to 25%.'),
        })
        .optional()
        .describe('Parameters of a RollingUpdate.'),
    })
    .optional()
    .describe('How existing pods are replaced by new ones.'),
  minReadySeconds: z.number().int().min(0).optional().describe('Seconds a new pod must be ready before it counts as available. Defaults to 0.'),
  revisionHistoryLimit: z.number().int().min(0).optional().describe('Old ReplicaSets kept for rollback. Defaults to 10.'),
  progressDeadlineSeconds: z.number().int().min(1).optional().describe('Seconds a rollout may go without progress before its Progressing condition turns False. Defaults to 600.'),
  paused: z.boolean().optional().describe('While true, changes to the template do not start a rollout.'),
});
export type DeploymentSpec = z.infer<typeof deploymentSpecSchema>;

export const deploymentStatusSchema = z.object({
  observedGeneration: z.number().int().optional().describe('The generation of the Deployment the controller last acted on.'),
  replicas: z.number().int().optional().describe('Pods of this Deployment, old and new templates together.'),
  updatedReplicas: z.number().int().optional().describe('Pods made from the current template.'),
  readyReplicas: z.number().int().optional().describe('Pods whose Ready condition is True.'),
  availableReplicas: z.number().int().optional().describe('Pods ready for at least minReadySeconds.'),
  unavailableReplicas: z.number().int().optional().describe('Pods still needed for the Deployment to be fully available.'),
  conditions: z.array(conditionSchema).optional().describe('Available and Progressing, as in Kubernetes.'),
});
export type DeploymentStatus = z.infer<typeof deploymentStatusSchema>;

export const deploymentSchema = z
  .object({
    apiVersion: z.literal('apps/v1'),
    kind: z.literal('Deployment'),
    metadata: objectMetaSchema,
    spec: deploymentSpecSchema,
    status: deploymentStatusSchema.optional(),
  })
  .describe('A Deployment keeps a number of identical pods running through ReplicaSets and rolls changes of its pod template out to them.');
export type Deployment = z.infer<typeof deploymentSchema>;
