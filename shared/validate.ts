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

/** Parses with a schema; on failure throws an `Invalid` KedgeError naming every field at fault. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: { kind: string; name?: string }): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const causes = r.error.issues.map((i) => ({ field: fieldPath(i.path), message: i.message, reason: 'FieldValueInvalid' }));
  const summary = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  throw new KedgeError('Invalid', `${what.kind} "${what.name ?? ''}" is invalid: ${summary}`, {
    details: { kind: what.kind, name: what.name, causes },
  });
}
