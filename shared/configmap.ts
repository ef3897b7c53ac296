import { z } from 'zod';
import { objectMetaSchema } from './meta.js';

const dataKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, "keys must consist of alphanumeric characters, '-', '_' or '.'");

export const configMapSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('ConfigMap'),
    metadata: objectMetaSchema,
    data: z.record(dataKey, z.string()).optional().describe('Configuration as UTF-8 text values, by key.'),
    binaryData: z.record(dataKey, z.string()).optional().describe('Configuration as base64-encoded binary values, by key; keys must differ from those in data.'),
    immutable: z.boolean().optional().describe('When true, data and binaryData can no longer be changed (only the object deleted).'),
  })
  .describe('A ConfigMap holds non-confidential configuration that pods read as environment variables or files.');
export type ConfigMap = z.infer<typeof configMapSchema>;

export const secretSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Secret'),
    metadata: objectMetaSchema,
    type: z.string().optional().describe('Type of the secret, such as Opaque (the default) or kubernetes.io/tls.'),
    /** base64-encoded values, as in Kubernetes. */
    data: z.record(dataKey, z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64-encoded')).optional().describe('Secret values, base64-encoded, by key.'),
    /** Plain values, merged into data on write (write-only, as in Kubernetes). */
    stringData: z.record(dataKey, z.string()).optional().describe('Write-only convenience: plain-text values the server merges into data (they win over data).'),
    immutable: z.boolean().optional().describe('When true, data can no longer be changed (only the object deleted).'),
  })
  .describe('A Secret holds confidential data, such as passwords or keys, for pods; kedge stores it encrypted.');
export type Secret = z.infer<typeof secretSchema>;
