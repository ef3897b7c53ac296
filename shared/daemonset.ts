import { z } from 'zod';
import { conditionSchema, objectMetaSchema } from './meta.js';
import { labelSelectorSchema } from './deployment.js';
import { podTemplateSchema } from './pod.js';

const intOrPercent = z.union([z.number().int().min(0), z.string().regex(/^[0-9]+%$/, 'must be a number or a percentage like 25%')]);

export const daemonSetSchema = z.object({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('DaemonSet'),
  metadata: objectMetaSchema,
  spec: z.object({
    selector: labelSelectorSchema,
    template: podTemplateSchema,
    updateStrategy: z
      .object({
        type: z.enum(['RollingUpdate', 'OnDelete']).optional(),
        rollingUpdate: z.object({ maxUnavailable: intOrPercent.optional(), maxSurge: intOrPercent.optional() }).optional(),
      })
      .optional(),
    minReadySeconds: z.number().int().min(0).optional(),
    revisionHistoryLimit: z.number().int().min(0).optional(),
  }),
  status: z
    .object({
      currentNumberScheduled: z.number().int(),
      numberMisscheduled: z.number().int(),
      desiredNumberScheduled: z.number().int(),
      numberReady: z.number().int(),
      updatedNumberScheduled: z.number().int().optional(),
      numberAvailable: z.number().int().optional(),
      numberUnavailable: z.number().int().optional(),
      observedGeneration: z.number().int().optional(),
      conditions: z.array(conditionSchema).optional(),
    })
    .optional(),
});
export type DaemonSet = z.infer<typeof daemonSetSchema>;
