import { KedgeError } from './errors.js';
import type { LabelSelectorSpec } from './deployment.js';

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

/** Parses a kubectl-style selector: "app=web,tier!=db,env in (a,b),!legacy,track". */
export function parseSelector(text: string | undefined, field = 'labelSelector'): Requirement[] {
  if (!text || !text.trim()) return [];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((raw) => parseRequirement(raw.trim(), field));
}

function parseRequirement(s: string, field: string): Requirement {
  let m: RegExpExecArray | null;
  if ((m = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(s))) {
    return { key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] };
  }
  if ((m = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(s))) {
    return { key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '') };
  }
  if ((m = /^!([^\s!=(),]+)$/.exec(s))) return { key: m[1]!, op: '!exists' };
  if ((m = /^([^\s!=(),]+)$/.exec(s))) return { key: m[1]!, op: 'exists' };
  throw new KedgeError('BadRequest', `${field}: cannot parse "${s}"; use key=value, key!=value, key in (a,b), key or !key`);
}

export function matches(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'in':
        return has && r.values.includes(l[r.key]!);
      case 'notin':
        return !has || !r.values.includes(l[r.key]!);
      case 'exists':
        return has;
      case '!exists':
        return !has;
    }
  });
}

/** Converts a structured LabelSelector (matchLabels + matchExpressions) to requirements. */
export function fromLabelSelector(sel: LabelSelectorSpec | undefined): Requirement[] {
  if (!sel) return [];
  const reqs: Requirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, v]) => ({ key, op: 'in' as const, values: [v] }));
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') reqs.push({ key: e.key, op: 'in', values: e.values ?? [] });
    else if (e.operator === 'NotIn') reqs.push({ key: e.key, op: 'notin', values: e.values ?? [] });
    else if (e.operator === 'Exists') reqs.push({ key: e.key, op: 'exists' });
    else reqs.push({ key: e.key, op: '!exists' });
  }
  return reqs;
}

/**
 * A structured selector as Kubernetes prints it (metav1.FormatLabelSelector): requirements sorted by
 * key, set values sorted; "" when it selects everything.
 */
export function formatLabelSelector(sel: LabelSelectorSpec | undefined): string {
  if (!sel) return '';
  const parts: [string, string][] = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => [k, `${k}=${v}`]);
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    const text = e.operator === 'Exists' ? e.key : e.operator === 'DoesNotExist' ? `!${e.key}` : `${e.key} ${e.operator.toLowerCase()} (${values})`;
    parts.push([e.key, text]);
  }
  return parts
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map((p) => p[1])
    .join(',');
}
