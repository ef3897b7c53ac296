import { KedgeError } from '../../shared/errors.js';
import type { KObject } from '../../shared/meta.js';

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export const selectableFields = [
  'metadata.name',
  'metadata.namespace',
  'spec.nodeName',
  'status.phase',
  // Events, as kubectl describe asks for the events of the object it shows.
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.fieldPath',
  'reason',
  'type',
];

/** Parses ?fieldSelector=spec.nodeName=edge-1,status.phase!=Running. */
export function parseFieldSelector(text: string | undefined): FieldRequirement[] {
  if (!text || !text.trim()) return [];
  return text.split(',').map((raw) => {
    const m = /^\s*([A-Za-z.]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
    if (!m) throw new KedgeError('BadRequest', `fieldSelector: cannot parse "${raw}"; use field=value or field!=value`);
    const field = m[1]!;
    if (!selectableFields.includes(field)) {
      throw new KedgeError('BadRequest', `fieldSelector: field "${field}" is not supported; use one of ${selectableFields.join(', ')}`);
    }
    return { field, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  });
}

export function fieldOf(obj: KObject, field: string): string {
  let cur: unknown = obj;
  for (const part of field.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
  return cur === undefined || cur === null ? '' : String(cur);
}

export function matchesFields(reqs: FieldRequirement[], obj: KObject): boolean {
  return reqs.every((r) => (fieldOf(obj, r.field) === r.value) === (r.op === '='));
}
