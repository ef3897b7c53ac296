/**
 * Server-side apply (PATCH with application/apply-patch+yaml, kubectl apply --server-side), without
 * field ownership: the applied configuration is merged into the stored object as a strategic merge
 * patch without deletions — maps merge, lists with a merge key merge by it, other lists are replaced
 * — and a missing object is created. Fields dropped from the configuration are therefore kept (in
 * Kubernetes they go when no other manager owns them); remove them with kubectl edit or a patch.
 */
import type { Context } from 'hono';
import { parse as parseYaml } from 'yaml';
import { KedgeError } from '../../shared/errors.js';
import { jsonDepth, maxJsonDepth } from './json-depth.js';
import { patchMetaFor, mergeMap, withoutDirectives } from './strategic-merge.js';

type Obj = Record<string, unknown>;

/** The applied configuration: YAML or JSON (JSON is YAML), one object. */
export async function readAppliedObject(c: Context): Promise<Obj> {
  const text = await c.req.text();
  if (!text.trim()) throw new KedgeError('BadRequest', 'request body: is empty; send the object to apply');
  let value: unknown;
  try {
    value = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new KedgeError('BadRequest', `request body: not valid YAML: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new KedgeError('BadRequest', 'request body: must be one object (apiVersion, kind, metadata, …)');
  if (jsonDepth(value) > maxJsonDepth) throw new KedgeError('BadRequest', `request body: nested more than ${maxJsonDepth} levels deep`);
  return value as Obj;
}

/** The object after applying `applied` to `existing` (no directives, no deletions, managedFields ignored). */
export function serverSideApply(kind: string, existing: Obj, applied: Obj): Obj {
  const config = withoutDirectives(applied) as Obj;
  if (config.metadata && typeof config.metadata === 'object') delete (config.metadata as Obj).managedFields;
  return mergeMap(existing, withoutNulls(config) as Obj, patchMetaFor(kind), '')!;
}

/** In an applied configuration null means "not set by me", not "delete". */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]));
}
