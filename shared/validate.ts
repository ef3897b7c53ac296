import type { z } from 'zod';
import { KedgeError } from './errors.js';

/** A zod issue path as Kubernetes writes field paths: spec.containers[0].image. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

export interface FieldCause {
  field: string;
  message: string;
  reason: string;
}

/** A zod error's issues as the causes of an Invalid Status, one per field at fault. */
export function issueCauses(error: z.ZodError): FieldCause[] {
  return error.issues.map((i) => ({ field: fieldPath(i.path), message: i.message, reason: 'FieldValueInvalid' }));
}

/** Causes as an error message says them: "spec.replicas: Too small, metadata.name: Required". */
export function causesText(causes: FieldCause[]): string {
  return causes.map((c) => `${c.field}: ${c.message}`).join(', ');
}

/** A zod error in one line for a log or a dropped message: the first `max` issues, "field: message; …". */
export function issuesText(error: z.ZodError, max = 5): string {
  return error.issues
    .slice(0, max)
    .map((i) => `${fieldPath(i.path)}: ${i.message}`)
    .join('; ');
}

/** Parses with a schema; on failure throws an `Invalid` KedgeError naming every field at fault. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: { kind: string; name?: string }): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const causes = issueCauses(r.error);
  throw new KedgeError('Invalid', `${what.kind} "${what.name ?? ''}" is invalid: ${causesText(causes)}`, {
    details: { kind: what.kind, name: what.name, causes },
  });
}
