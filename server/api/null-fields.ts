/**
 * Kubernetes decodes a JSON null as "not set" (Go's zero value), and kubectl sends such nulls:
 * `kubectl create deployment` writes metadata.creationTimestamp: null. Object fields that are null
 * are dropped before validation; list elements are kept as they are.
 */
export function withoutNullFields<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNullFields) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNullFields(v);
  return out as T;
}
