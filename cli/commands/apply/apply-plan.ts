import type { KObject } from '../../../shared/meta.js';

/** Where kubectl keeps what was applied last, so kedge and kubectl can take turns. */
export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

export type ApplyPlan =
  | { action: 'create'; body: KObject }
  | { action: 'update'; body: KObject }
  | { action: 'unchanged' };

type Json = unknown;

/** The annotation value: the applied object without the annotation itself, as kubectl writes it (keys sorted, like Go's JSON). */
export function lastAppliedOf(desired: KObject): string {
  const { [lastAppliedAnnotation]: _previous, ...annotations } = desired.metadata.annotations ?? {};
  // kubectl leaves "annotations": {} behind too; byte-equal values let each tool see "unchanged".
  const metadata = { ...desired.metadata, annotations };
  return `${JSON.stringify(sortKeys({ ...desired, metadata }))}\n`;
}

function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isRecord(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
}

/**
 * Decides create / update / unchanged. Updates are a three-way merge like kubectl's: fields the
 * manifest sets win, fields it dropped since the last apply are removed, fields others set stay.
 */
export function planApply(desired: KObject, current: KObject | undefined): ApplyPlan {
  const applied = lastAppliedOf(desired);
  const annotations = { ...(desired.metadata.annotations ?? {}), [lastAppliedAnnotation]: applied };
  if (!current) return { action: 'create', body: { ...desired, metadata: { ...desired.metadata, annotations } } };

  const last = parseLastApplied(current);
  const managed = (o: KObject | undefined, ann?: Record<string, string>) =>
    o ? { metadata: { labels: o.metadata.labels ?? {}, annotations: ann ?? o.metadata.annotations ?? {} }, ...('spec' in o ? { spec: o.spec } : {}) } : undefined;
  const merged = threeWayMerge(managed(last), managed(desired, annotations), managed(current)) as {
    metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    spec?: unknown;
  };
  const currentLabels = current.metadata.labels ?? {};
  const currentAnnotations = current.metadata.annotations ?? {};
  if (deepEqual(merged.metadata.labels, currentLabels) && deepEqual(merged.metadata.annotations, currentAnnotations) && deepEqual(merged.spec, current.spec)) {
    return { action: 'unchanged' };
  }
  const metadata: KObject['metadata'] = { ...current.metadata, annotations: merged.metadata.annotations };
  if (Object.keys(merged.metadata.labels).length || current.metadata.labels) metadata.labels = merged.metadata.labels;
  const body: KObject = { ...current, metadata };
  if ('spec' in merged) body.spec = merged.spec;
  return { action: 'update', body };
}

function parseLastApplied(current: KObject): KObject | undefined {
  const text = current.metadata.annotations?.[lastAppliedAnnotation];
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as KObject;
    return v && typeof v === 'object' && v.metadata ? v : undefined;
  } catch {
    // A hand-edited annotation only loses the "remove dropped fields" part of the merge.
    return undefined;
  }
}

/** JSON merge of `desired` onto `current`, deleting keys `last` had and `desired` no longer has; arrays are replaced. */
export function threeWayMerge(last: Json, desired: Json, current: Json): Json {
  if (!isRecord(desired) || !isRecord(current)) return structuredClone(desired);
  const out: Record<string, Json> = { ...current };
  if (isRecord(last)) for (const k of Object.keys(last)) if (!(k in desired)) delete out[k];
  for (const [k, v] of Object.entries(desired)) {
    if (v === undefined) continue;
    out[k] = threeWayMerge(isRecord(last) ? last[k] : undefined, v, current[k]);
  }
  return out;
}

export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
}

function isRecord(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
