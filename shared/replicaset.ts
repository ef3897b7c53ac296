import { z } from 'zod';
import { conditionSchema, objectMetaSchema } from './meta.js';
import { labelSelectorSchema } from './deployment.js';
import { podTemplateSchema } from './pod.js';

export const replicaSetSchema = z
  .object({
    apiVersion: z.literal('apps/v1'),
    kind: z.literal('ReplicaSet'),
    metadata: objectMetaSchema,
    spec: z.object({
      replicas: z.number().int().min(0).optional().describe('Number of desired pods. Defaults to 1.'),
      minReadySeconds: z.number().int().min(0).optional().describe('Seconds a new pod must be ready before it counts as available. Defaults to 0.'),
      selector: labelSelectorSchema.describe("Label selector for the pods the ReplicaSet counts. It must match the pod template's labels."),
      template: podTemplateSchema.describe('Template of the pods the ReplicaSet creates when there are too few.'),
    }),
    status: z
      .object({
        replicas: z.number().int().describe('Pods the ReplicaSet has.'),
        fullyLabeledReplicas: z.number().int().optional().describe("Pods whose labels match the template's."),
        readyReplicas: z.number().int().optional().describe('Pods whose Ready condition is True.'),
        availableReplicas: z.number().int().optional().describe('Pods ready for at least minReadySeconds.'),
        observedGeneration: z.number().int().optional().describe('The generation of the ReplicaSet the controller last acted on.'),
        conditions: z.array(conditionSchema).optional().describe('Conditions of the ReplicaSet.'),
      })
      .optional(),
  })
  .describe('A ReplicaSet keeps a number of pods made from its template running; Deployments manage them.');
export type ReplicaSet = z.infer<typeof replicaSetSchema>;
