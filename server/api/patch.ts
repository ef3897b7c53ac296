import { isDeepStrictEqual } from 'node:util';
import { KedgeError } from '../../shared/errors.js';
import { strategicMergePatch } from './strategic-merge.js';

/** Applies a PATCH body by its Content-Type; returns the patched document. */
export function applyPatch(contentType: string | undefined, doc: unknown, patch: unknown): unknown {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  switch (type) {
    case 'application/merge-patch+json':
      return mergePatch(doc, patch);
    // Lists merge by Kubernetes' merge keys (containers by name, …): see strategic-merge.ts.
    case 'application/strategic-merge-patch+json':
      return strategicMergePatch(String((doc as { kind?: unknown } | null)?.kind ?? ''), doc, patch);
    case 'application/json-patch+json':
      return jsonPatch(doc, patch);
    default:
      throw new KedgeError(
        'UnsupportedMediaType',
        `Content-Type: "${type || '(none)'}" is not a supported patch type; use application/merge-patch+json, application/json-patch+json, application/strategic-merge-patch+json or application/apply-patch+yaml`,
      );
  }
}

/** RFC 7386: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface Operation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

/** RFC 6902 JSON Patch, applied to a copy; the first failing operation is named in the error. */
export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new KedgeError('BadRequest', 'request body: a JSON patch must be an array of operations');
  let root = structuredClone(doc);
  ops.forEach((raw, i) => {
    const op = checkOperation(raw, i);
    try {
      root = applyOperation(root, op);
    } catch (e) {
      if (e instanceof KedgeError) throw e;
      throw new KedgeError('Invalid', `request body[${i}] (${op.op} ${op.path}): ${(e as Error).message}`, { cause: e });
    }
  });
  return root;
}

function checkOperation(raw: unknown, i: number): Operation {
  const where = `request body[${i}]`;
  if (!isObject(raw)) throw new KedgeError('BadRequest', `${where}: must be an object with "op" and "path"`);
  if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(raw.op as string)) {
    throw new KedgeError('BadRequest', `${where}.op: must be one of add, remove, replace, move, copy, test`);
  }
  if (typeof raw.path !== 'string') throw new KedgeError('BadRequest', `${where}.path: must be a JSON pointer string`);
  if ((raw.op === 'move' || raw.op === 'copy') && typeof raw.from !== 'string') throw new KedgeError('BadRequest', `${where}.from: is required for ${raw.op}`);
  if (['add', 'replace', 'test'].includes(raw.op as string) && !('value' in raw)) throw new KedgeError('BadRequest', `${where}.value: is required for ${raw.op}`);
  return raw as unknown as Operation;
}

function applyOperation(root: unknown, op: Operation): unknown {
  const path = pointer(op.path);
  switch (op.op) {
    case 'add':
      return add(root, path, structuredClone(op.value));
    case 'remove':
      return remove(root, path);
    case 'replace':
      return add(remove(root, path), path, structuredClone(op.value));
    case 'move': {
      const from = pointer(op.from!);
      if (op.path.startsWith(`${op.from}/`)) throw new Error('cannot move a value into one of its own children');
      const value = read(root, from);
      return add(remove(root, from), path, value);
    }
    case 'copy':
      return add(root, path, structuredClone(read(root, pointer(op.from!))));
    case 'test':
      if (!isDeepStrictEqual(read(root, path), op.value)) throw new Error('test failed: the value differs');
      return root;
  }
}

function pointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new Error(`"${p}" is not a JSON pointer (it must start with /)`);
  return p.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function read(root: unknown, path: string[]): unknown {
  let cur = root;
  for (const t of path) {
    if (Array.isArray(cur) && /^(0|[1-9][0-9]*)$/.test(t) && Number(t) < cur.length) cur = cur[Number(t)];
    else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t];
    else throw new Error(`path /${path.join('/')} does not exist`);
  }
  return cur;
}

function add(root: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = read(root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : arrayIndex(key, parent.length + 1);
    parent.splice(index, 0, value);
  } else if (isObject(parent)) parent[key] = value;
  else throw new Error(`the parent of /${path.join('/')} is not an object or array`);
  return root;
}

function remove(root: unknown, path: string[]): unknown {
  if (path.length === 0) return undefined;
  read(root, path);
  const parent = read(root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length), 1);
  else delete (parent as Record<string, unknown>)[key];
  return root;
}

function arrayIndex(key: string, limit: number): number {
  if (!/^(0|[1-9][0-9]*)$/.test(key) || Number(key) >= limit) throw new Error(`array index "${key}" is out of range`);
  return Number(key);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
