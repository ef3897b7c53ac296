/**
 * Strategic merge patch (application/strategic-merge-patch+json), what kubectl apply, edit and
 * rollout restart send: like a JSON merge patch, except that lists with a merge key merge element
 * by element (containers by name, env by name, ports by containerPort, …) and the directives
 * $patch, $retainKeys, $setElementOrder/… and $deleteFromPrimitiveList/… are honoured. The merge
 * keys are Kubernetes' own (its Go types' patchStrategy/patchMergeKey tags), so a patch computed
 * by kubectl from its built-in types means the same thing here.
 */
import { isDeepStrictEqual } from 'node:util';
import { KedgeError } from '../../shared/errors.js';

/** How one field patches. `strategy` includes "merge" for lists merged by `mergeKey` (or as a set, for primitives). */
export interface FieldMeta {
  strategy?: 'merge' | 'retainKeys' | 'merge,retainKeys';
  mergeKey?: string;
  /** The value's own fields (for a list: each element's). */
  of?: PatchMeta;
}
export type PatchMeta = Record<string, FieldMeta>;

const byName = (of?: PatchMeta): FieldMeta => ({ strategy: 'merge', mergeKey: 'name', ...(of ? { of } : {}) });
const conditions: FieldMeta = { strategy: 'merge', mergeKey: 'type' };

const objectMeta: PatchMeta = { ownerReferences: { strategy: 'merge', mergeKey: 'uid' }, finalizers: { strategy: 'merge' } };
const container: PatchMeta = {
  ports: { strategy: 'merge', mergeKey: 'containerPort' },
  env: byName(),
  volumeMounts: { strategy: 'merge', mergeKey: 'mountPath' },
  volumeDevices: { strategy: 'merge', mergeKey: 'devicePath' },
};
const podSpec: PatchMeta = {
  containers: byName(container),
  initContainers: byName(container),
  ephemeralContainers: byName(container),
  volumes: { strategy: 'merge,retainKeys', mergeKey: 'name' },
  imagePullSecrets: byName(),
  hostAliases: { strategy: 'merge', mergeKey: 'ip' },
  topologySpreadConstraints: { strategy: 'merge', mergeKey: 'topologyKey' },
  schedulingGates: byName(),
  resourceClaims: { strategy: 'merge,retainKeys', mergeKey: 'name' },
};
const template: FieldMeta = { of: { metadata: { of: objectMeta }, spec: { of: podSpec } } };
const workloadStatus: FieldMeta = { of: { conditions } };

/** Per kind; every kind has at least metadata's. Lists not named here are replaced whole, as in Kubernetes. */
export const patchMetaByKind: Record<string, PatchMeta> = {
  Pod: {
    metadata: { of: objectMeta },
    spec: { of: podSpec },
    status: { of: { conditions, podIPs: { strategy: 'merge', mergeKey: 'ip' }, hostIPs: { strategy: 'merge', mergeKey: 'ip' } } },
  },
  Deployment: { metadata: { of: objectMeta }, spec: { of: { template, strategy: { strategy: 'retainKeys' } } }, status: workloadStatus },
  ReplicaSet: { metadata: { of: objectMeta }, spec: { of: { template } }, status: workloadStatus },
  DaemonSet: { metadata: { of: objectMeta }, spec: { of: { template } }, status: workloadStatus },
  Service: { metadata: { of: objectMeta }, spec: { of: { ports: { strategy: 'merge', mergeKey: 'port' } } }, status: { of: { conditions } } },
  Node: {
    metadata: { of: objectMeta },
    spec: { of: { podCIDRs: { strategy: 'merge' } } },
    status: { of: { conditions, addresses: { strategy: 'merge', mergeKey: 'type' } } },
  },
};

export function patchMetaFor(kind: string): PatchMeta {
  return patchMetaByKind[kind] ?? { metadata: { of: objectMeta } };
}

type Obj = Record<string, unknown>;

const setOrder = '$setElementOrder/';
const deleteFromList = '$deleteFromPrimitiveList/';

/** Applies a strategic merge patch to an object of `kind`; returns a new object. */
export function strategicMergePatch(kind: string, original: unknown, patch: unknown): Obj {
  if (!isObject(patch)) throw new KedgeError('BadRequest', 'request body: a strategic merge patch must be a JSON object');
  const out = mergeMap(isObject(original) ? original : {}, patch, patchMetaFor(kind), '');
  if (out === undefined) throw new KedgeError('BadRequest', 'request body: "$patch: delete" cannot delete the whole object; use DELETE');
  return out;
}

/** Merges `patch` into `original`; undefined means "delete this map" ($patch: delete). */
export function mergeMap(original: Obj, patch: Obj, meta: PatchMeta | undefined, at: string): Obj | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return withoutDirectives(patch) as Obj;
  if (directive !== undefined && directive !== 'merge') throw new KedgeError('BadRequest', `${at || 'request body'}: unknown $patch directive "${String(directive)}"; use merge, replace or delete`);

  const out: Obj = structuredClone(original);
  if ('$retainKeys' in patch) {
    const keep = patch.$retainKeys;
    if (!Array.isArray(keep)) throw new KedgeError('BadRequest', `${at || 'request body'}.$retainKeys: must be a list of field names`);
    for (const k of Object.keys(out)) if (!keep.includes(k)) delete out[k];
  }
  for (const [k, v] of Object.entries(patch)) {
    const where = at ? `${at}.${k}` : k;
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(setOrder)) continue;
    if (k.startsWith(deleteFromList)) {
      const field = k.slice(deleteFromList.length);
      if (!Array.isArray(v)) throw new KedgeError('BadRequest', `${where}: must be a list of values to delete`);
      if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((x) => !v.some((d) => isDeepStrictEqual(d, x)));
      continue;
    }
    if (k.startsWith('$')) continue; // a directive this version does not know: ignored, as older servers ignore newer ones
    const fm = meta?.[k];
    if (v === null) {
      delete out[k];
    } else if (isObject(v)) {
      const merged = mergeMap(isObject(out[k]) ? (out[k] as Obj) : {}, v, fm?.of, where);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v)) {
      out[k] = fm?.strategy?.startsWith('merge') ? mergeList(Array.isArray(out[k]) ? (out[k] as unknown[]) : [], v, fm, where) : withoutDirectives(v);
    } else {
      out[k] = v;
    }
  }
  // Ordering directives apply to the merged lists, including ones the patch only reorders.
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith(setOrder)) continue;
    const field = k.slice(setOrder.length);
    if (!Array.isArray(order)) throw new KedgeError('BadRequest', `${at ? `${at}.` : ''}${k}: must be a list`);
    if (Array.isArray(out[field])) out[field] = reorder(out[field] as unknown[], order, meta?.[field]?.mergeKey);
  }
  return out;
}

function mergeList(original: unknown[], patch: unknown[], fm: FieldMeta, at: string): unknown[] {
  const key = fm.mergeKey;
  if (!key) {
    // A set of primitives: new values are added, existing ones kept.
    const out = [...original];
    for (const v of patch) if (!out.some((x) => isDeepStrictEqual(x, v))) out.push(v);
    return out;
  }
  if (patch.some((e) => isObject(e) && e.$patch === 'replace')) return withoutDirectives(patch.filter((e) => !(isObject(e) && e.$patch === 'replace'))) as unknown[];
  const out = original.map((e) => structuredClone(e));
  patch.forEach((item, i) => {
    if (!isObject(item)) throw new KedgeError('BadRequest', `${at}[${i}]: must be an object with "${key}" (the list merges by ${key})`);
    if (!(key in item)) throw new KedgeError('BadRequest', `${at}[${i}]: "${key}" is required: the list merges by ${key}`);
    const idx = out.findIndex((e) => isObject(e) && isDeepStrictEqual(e[key], item[key]));
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      return;
    }
    const where = `${at}[${key}=${String(item[key])}]`;
    const merged = mergeMap(idx >= 0 && isObject(out[idx]) ? (out[idx] as Obj) : {}, item, fm.of, where);
    if (merged === undefined) {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) out[idx] = merged;
    else out.push(merged);
  });
  return out;
}

/**
 * $setElementOrder: elements named in `order` take that order; the others (only on the server)
 * stay after the element they followed, as Kubernetes keeps them.
 */
function reorder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const id = (e: unknown) => (key && isObject(e) ? e[key] : e);
  const rank = (e: unknown) => order.findIndex((o) => isDeepStrictEqual(key && isObject(o) ? o[key] : o, id(e)));
  let last = -0.5;
  const ranked = list.map((e, i) => {
    const r = rank(e);
    if (r >= 0) last = r;
    return { e, r: r >= 0 ? r : last + 0.5, i };
  });
  return ranked.sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.e);
}

/** A patch value taken as is: directives dropped, elements marked for deletion left out. */
export function withoutDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((e) => !(isObject(e) && e.$patch === 'delete')).map(withoutDirectives);
  if (!isObject(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = withoutDirectives(x);
  return out;
}

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
