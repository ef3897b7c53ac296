import { z } from 'zod';

/** What kubectl sends to be answered with the server's printed columns instead of objects. */
export const tableMediaType = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export const columnDefinitionSchema = z.object({
  name: z.string(),
  type: z.enum(['string', 'integer', 'number', 'boolean', 'date']),
  format: z.string(),
  description: z.string(),
  /** 0: always shown; 1: with -o wide. */
  priority: z.number().int(),
});
export type ColumnDefinition = z.infer<typeof columnDefinitionSchema>;

export const cellSchema = z.union([z.string(), z.number()]);
export type Cell = z.infer<typeof cellSchema>;

export const tableRowSchema = z.object({
  cells: z.array(cellSchema),
  /** The object (or its PartialObjectMetadata) the row prints, as ?includeObject= asked. */
  object: z.unknown().optional(),
});
export type TableRow = z.infer<typeof tableRowSchema>;

/** meta.k8s.io Table: rows of cells under column definitions (which a watch sends only in its first event). */
export const tableSchema = z.object({
  kind: z.literal('Table'),
  apiVersion: z.string(),
  metadata: z.object({ resourceVersion: z.string().optional() }),
  columnDefinitions: z.array(columnDefinitionSchema),
  rows: z.array(tableRowSchema),
});
export type Table = z.infer<typeof tableSchema>;

export type IncludeObject = 'None' | 'Metadata' | 'Object';
