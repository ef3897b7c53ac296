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
export const eventSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Event'),
    metadata: objectMetaSchema,
    involvedObject: objectReferenceSchema.describe('The object the event is about.'),
    reason: z.string().describe('Short, machine-readable CamelCase reason, such as Scheduled or BackOff.'),
    message: z.string().describe('Human-readable description of what happened.'),
    type: z.enum(['Normal', 'Warning']).describe('Normal or Warning.'),
    source: z.object({ component: z.string().optional(), host: z.string().optional() }).optional().describe('The component (and node) that reported it.'),
    firstTimestamp: z.string().optional().describe('When it first happened (RFC 3339, UTC).'),
    lastTimestamp: z.string().optional().describe('When it last happened (RFC 3339, UTC).'),
    count: z.number().int().optional().describe('How many times it happened.'),
    reportingComponent: z.string().optional().describe('The component that reported it, such as deployment-controller.'),
    reportingInstance: z.string().optional().describe('The instance of that component, such as the node name.'),
  })
  .describe('An Event reports something that happened to an object: scheduling, image pulls, restarts, failures.');
export type KEvent = z.infer<typeof eventSchema>;

/** When an event was last seen: lastTimestamp, else firstTimestamp, else its creation. */
export function eventLastSeen(e: KEvent): string | undefined {
  return e.lastTimestamp ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
}
