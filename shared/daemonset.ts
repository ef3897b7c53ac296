import { z } from 'zod';
import { conditionSchema, objectMetaSchema } from './meta.js';
import { labelSelectorSchema } from './deployment.js';
import { podTemplateSchema } from './pod.js';

const intOrPercent = z.union([z.number().int().min(0), z.string().regex(/^[0-9]+%$/, 'must be a number or a percentage like 25%')]);

export const daemonSetSchema = z
  .object({
    apiVersion: z.literal('apps/v1'),
    kind: z.literal('DaemonSet'),
    metadata: objectMetaSchema,
    spec: z.object({
      selector: labelSelectorSchema.describe("Label selector for the pods the DaemonSet manages. It must match the pod template's labels and cannot be changed."),
      template: podTemplateSchema.describe('Template of the pod run on every eligible node.'),
      updateStrategy: z
        .object({
          type: z.enum(['RollingUpdate', 'OnDelete']).optional().describe('RollingUpdate (the default) replaces pods after a template change; OnDelete only when they are deleted.'),
          rollingUpdate: z
            .object({
              maxUnavailable: intOrPercent.optional().describe('How many nodes may be without an available pod during an update: a number or a percentage of nodes. Defaults to 1.'),
              maxSurge: intOrPercent.optional().describe('How many nodes may run an old and a new pod at once during an update: a number or a percentage of nodes. Defaults to 0.'),
            })
            .optional()
            .describe('Parameters of a RollingUpdate.'),
        })
        .optional()
        .describe('How pods are replaced after the template changes.'),
      minReadySeconds: z.number().int().min(0).optional().describe('Seconds a new pod must be ready before it counts as available. Defaults to 0.'),
      revisionHistoryLimit: z.number().int().min(0).optional().describe('Old revisions to keep for rollback, as in Kubernetes; kedge keeps none for DaemonSets.'),
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
  })
  .describe('A DaemonSet runs one copy of a pod on every node that its template can run on.');
export type DaemonSet = z.infer<typeof daemonSetSchema>;
