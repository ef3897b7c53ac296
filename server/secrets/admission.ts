/** Secret and ConfigMap rules for the API's admission: stringData → data, strict base64, immutability. */
import { KedgeError } from '../../shared/errors.js';
import type { KObject } from '../../shared/meta.js';

type Json = Record<string, unknown>;

const invalid = (obj: { kind?: unknown; metadata?: unknown }, field: string, message: string) => {
  const name = (obj.metadata as { name?: string } | undefined)?.name ?? '';
  return new KedgeError('Invalid', `${String(obj.kind)} "${name}" is invalid: ${field}: ${message}`, {
    details: { kind: String(obj.kind), name, causes: [{ field, message, reason: 'FieldValueInvalid' }] },
  });
};

/**
 * Merges `stringData` into `data` as base64 and drops it, as Kubernetes does on write (stringData
 * wins per key); type defaults to Opaque. Runs before schema validation, on the raw body.
 */
export function mergeStringData(obj: Json): void {
  obj.type ??= 'Opaque';
  const stringData = obj.stringData;
  if (stringData === undefined) return;
  if (stringData === null || typeof stringData !== 'object' || Array.isArray(stringData)) throw invalid(obj, 'stringData', 'must be a map of strings');
  const data = obj.data ?? {};
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw invalid(obj, 'data', 'must be a map of base64 strings');
  const merged: Json = { ...(data as Json) };
  for (const [k, v] of Object.entries(stringData)) {
    if (typeof v !== 'string') throw invalid(obj, `stringData[${k}]`, 'must be a string');
    merged[k] = Buffer.from(v, 'utf8').toString('base64');
  }
  obj.data = merged;
  delete obj.stringData;
}

/** Canonical base64 (padding included), what Kubernetes accepts in Secret data and ConfigMap binaryData. */
export function isBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s) && Buffer.from(s, 'base64').toString('base64') === s;
}

/** After schema validation: values decode, data and binaryData keys do not collide, immutable objects stay as they are. */
export function checkConfigObject(obj: KObject, existing?: KObject): void {
  const o = obj as KObject & { data?: Record<string, string>; binaryData?: Record<string, string>; immutable?: boolean; type?: string };
  if (obj.kind === 'Secret') {
    for (const [k, v] of Object.entries(o.data ?? {})) if (!isBase64(v)) throw invalid(obj, `data[${k}]`, 'must be base64-encoded (use stringData for plain text)');
  } else {
    for (const [k, v] of Object.entries(o.binaryData ?? {})) if (!isBase64(v)) throw invalid(obj, `binaryData[${k}]`, 'must be base64-encoded');
    for (const k of Object.keys(o.binaryData ?? {})) if (o.data && k in o.data) throw invalid(obj, `binaryData[${k}]`, 'duplicate of key in data');
  }
  const before = existing as typeof o | undefined;
  if (before?.immutable) {
    const same = (a: unknown, b: unknown) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
    if (!same(o.data, before.data) || !same(o.binaryData, before.binaryData) || o.immutable !== true) {
      throw invalid(obj, 'data', `field is immutable when \`immutable\` is set; delete and recreate the ${obj.kind}`);
    }
    if (obj.kind === 'Secret' && o.type !== before.type) throw invalid(obj, 'type', 'field is immutable');
  }
}
