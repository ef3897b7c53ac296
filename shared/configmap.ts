import { z } from 'zod';
import { objectMetaSchema } from './meta.js';

const dataKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, "keys must consist of alphanumeric characters, '-', '_' or '.'");

export const configMapSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('ConfigMap'),
  metadata: objectMetaSchema,
  data: z.record(dataKey, z.string()).optional(),
  binaryData: z.record(dataKey, z.string()).optional(),
  immutable: z.boolean().optional(),
});
export type ConfigMap = z.infer<typeof configMapSchema>;

export const secretSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Secret'),
  metadata: objectMetaSchema,
  type: z.string().optional(),
  /** base64-encoded values, as in Kubernetes. */
  data: z.record(dataKey, z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64-encoded')).optional(),
  /** Plain values, merged into data on write (write-only, as in Kubernetes). */
  stringData: z.record(dataKey, z.string()).optional(),
  immutable: z.boolean().optional(),
});
export type Secret = z.infer<typeof secretSchema>;
