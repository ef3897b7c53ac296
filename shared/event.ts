import { z } from 'zod';
import { objectMetaSchema } from './meta.js';

export const objectReferenceSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  fieldPath: z.string().optional(),
});

/** core/v1 Event, as kubectl shows it. */
export const eventSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Event'),
  metadata: objectMetaSchema,
  involvedObject: objectReferenceSchema,
  reason: z.string(),
  message: z.string(),
  type: z.enum(['Normal', 'Warning']),
  source: z.object({ component: z.string().optional(), host: z.string().optional() }).optional(),
  firstTimestamp: z.string().optional(),
  lastTimestamp: z.string().optional(),
  count: z.number().int().optional(),
  reportingComponent: z.string().optional(),
  reportingInstance: z.string().optional(),
});
export type KEvent = z.infer<typeof eventSchema>;

/** When an event was last seen: lastTimestamp, else firstTimestamp, else its creation. */
export function eventLastSeen(e: KEvent): string | undefined {
  return e.lastTimestamp ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
}
