import type { Context } from 'hono';
import { KedgeError } from '../../shared/errors.js';

/** Kubernetes' ?fieldValidation=: drop unknown fields silently, drop them with a Warning header (default), or refuse. */
export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/** How admission reports fields the schema does not know. */
export interface FieldChecks {
  mode: FieldValidation;
  /** Adds one HTTP Warning (already worded, e.g. `unknown field "spec.foo"`). */
  warn(text: string): void;
}

const modes: FieldValidation[] = ['Ignore', 'Warn', 'Strict'];

/** A response carries at most this many warnings; one more line says how many were left out. */
const maxWarnings = 32;

export function fieldValidationOf(c: Context): FieldValidation {
  const v = c.req.query('fieldValidation');
  if (v === undefined || v === '') return 'Warn';
  const mode = modes.find((m) => m.toLowerCase() === v.toLowerCase());
  if (!mode) throw new KedgeError('BadRequest', `fieldValidation: "${v.slice(0, 64)}" is not one of ${modes.join(', ')}`);
  return mode;
}

/** The request's field checks, writing warnings as `Warning: 299 - "…"` headers like the Kubernetes API. */
export function fieldChecksFor(c: Context): FieldChecks {
  return { mode: fieldValidationOf(c), warn: (text) => c.header('Warning', `299 - ${quoted(text)}`, { append: true }) };
}

/** Field paths present in `raw` but gone from `parsed` (zod strips keys its schema does not name). */
export function unknownFields(raw: unknown, parsed: unknown, at = ''): string[] {
  const out: string[] = [];
  // Iterative (the body's depth is capped, but this must not depend on it), in document order:
  // an unknown field is a stack entry of its own, so it is reported where it stands.
  const stack: ([unknown, unknown, string] | string)[] = [[raw, parsed, at]];
  while (stack.length) {
    const top = stack.pop()!;
    if (typeof top === 'string') {
      out.push(top);
      continue;
    }
    const [r, p, path] = top;
    if (Array.isArray(r) && Array.isArray(p)) {
      for (let i = r.length - 1; i >= 0; i--) stack.push([r[i], p[i], `${path}[${i}]`]);
    } else if (isRecord(r) && isRecord(p)) {
      for (const k of Object.keys(r).reverse()) {
        const sub = path ? `${path}.${k}` : k;
        stack.push(Object.hasOwn(p, k) ? [r[k], p[k], sub] : sub);
      }
    }
  }
  return out;
}

/**
 * Fields Kubernetes defines for the kinds kedge serves but kedge does not act on. kubectl 1.27+ asks for
 * Strict validation by default; refusing everyday manifests over these would break "your YAML works
 * unchanged", so even under Strict they are dropped with a warning. Only names Kubernetes itself would
 * not know (typos like "imagee") are refused.
 */
const kubernetesFieldsKedgeIgnores = new Set([
  // pod spec
  'securityContext', 'imagePullSecrets', 'serviceAccountName', 'serviceAccount', 'automountServiceAccountToken',
  'schedulerName', 'enableServiceLinks', 'priorityClassName', 'preemptionPolicy',
  'runtimeClassName', 'shareProcessNamespace', 'hostPID', 'hostIPC', 'setHostnameAsFQDN',
  'topologySpreadConstraints', 'readinessGates', 'overhead', 'os', 'activeDeadlineSeconds', 'initContainers',
  'ephemeralContainers', 'hostUsers', 'schedulingGates', 'resourceClaims',
  // services and endpoint slices
  'loadBalancerSourceRanges', 'trafficDistribution', 'hints', 'deprecatedTopology',
  // containers
  'lifecycle', 'stdin', 'stdinOnce', 'tty', 'terminationMessagePath', 'terminationMessagePolicy', 'volumeDevices',
  'resizePolicy', 'restartPolicy',
  // volume mounts and volumes
  'mountPropagation', 'subPathExpr', 'recursiveReadOnly', 'persistentVolumeClaim', 'projected', 'downwardAPI', 'nfs',
  'csi', 'ephemeral', 'image',
  // affinity
  'podAffinity', 'podAntiAffinity',
  // metadata and status written by other tools
  'managedFields', 'selfLink', 'status',
  // probes
  'grpc',
  // resources
  'claims', 'ephemeral-storage',
]);

function lastSegment(path: string): string {
  return path.replace(/\[\d+\]$/, '').split('.').pop() ?? path;
}

/** Applies the mode to the unknown fields of an object: Strict refuses (400, every field named), Warn warns. */
export function reportUnknownFields(all: string[], checks: FieldChecks | undefined, what: { kind: string; apiVersion: string }): void {
  if (!checks || checks.mode === 'Ignore' || all.length === 0) return;
  const ignored = all.filter((f) => kubernetesFieldsKedgeIgnores.has(lastSegment(f)));
  for (const f of ignored.slice(0, maxWarnings)) checks.warn(`field "${f.length > 256 ? `${f.slice(0, 256)}…` : f}" is not supported by kedge and was ignored`);
  const fields = all.filter((f) => !ignored.includes(f));
  if (fields.length === 0) return;
  const each = fields.map((f) => `unknown field "${f.length > 256 ? `${f.slice(0, 256)}…` : f}"`);
  if (checks.mode === 'Strict') {
    const shown = each.slice(0, maxWarnings).join(', ') + (each.length > maxWarnings ? ` and ${each.length - maxWarnings} more` : '');
    throw new KedgeError('BadRequest', `${what.kind} in version "${what.apiVersion}" cannot be handled as a ${what.kind}: strict decoding error: ${shown}`, {
      details: { kind: what.kind, causes: fields.slice(0, maxWarnings).map((field) => ({ field, message: 'unknown field', reason: 'FieldValueInvalid' })) },
    });
  }
  for (const w of each.slice(0, maxWarnings)) checks.warn(w);
  if (each.length > maxWarnings) checks.warn(`${each.length - maxWarnings} more unknown fields not shown`);
}

/** A quoted-string for an HTTP header: ASCII only, quotes and backslashes escaped, no control characters. */
function quoted(text: string): string {
  const escaped = text.replace(/[\\"]/g, (ch) => `\\${ch}`).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${escaped}"`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
