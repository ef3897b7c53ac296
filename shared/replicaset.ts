import { z } from 'zod';
import { conditionSchema, objectMetaSchema } from './meta.js';
import { labelSelectorSchema } from './deployment.js';
import { podTemplateSchema } from './pod.js';

export const replicaSetSchema = z.object({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('ReplicaSet'),
  metadata: objectMetaSchema,
  spec: z.object({
    replicas: z.number().int().min(0).optional(),
    minReadySeconds: z.number().int().min(0).optional(),
    selector: labelSelectorSchema,
    template: podTemplateSchema,
  }),
  status: z
    .object({
      replicas: z.number().int(),
      fullyLabeledReplicas: z.number().int().optional(),
      readyReplicas: z.number().int().optional(),
      availableReplicas: z.number().int().optional(),
      observedGeneration: z.number().int().optional(),
      conditions: z.array(conditionSchema).optional(),
    })
    .optional(),
});
export type ReplicaSet = z.infer<typeof replicaSetSchema>;
