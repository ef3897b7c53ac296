import { z } from 'zod';
import { objectMetaSchema } from './meta.js';

export const namespaceSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Namespace'),
    metadata: objectMetaSchema,
    spec: z.object({ finalizers: z.array(z.string()).optional().describe('What must be done before the namespace is removed.') }).optional(),
    status: z.object({ phase: z.enum(['Active', 'Terminating']).optional().describe('Active, or Terminating while it is being deleted.') }).optional(),
  })
  .describe('A Namespace scopes the names of the objects inside it; deleting it deletes them.');
export type Namespace = z.infer<typeof namespaceSchema>;
