import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { KedgeError } from '../../shared/errors.js';
import type { KObject } from '../../shared/meta.js';
import { kindByName, kinds, type KindInfo } from '../../shared/kinds.js';
import { validate } from '../../shared/validate.js';

/** One object read from a manifest, with where it came from for error messages. */
export interface ManifestObject {
  info: KindInfo;
  object: KObject;
  /** "FILE:LINE" of the document that held it. */
  where: string;
  /** Fields kedge does not know and dropped, as field paths. */
  ignoredFields: string[];
}

export interface ManifestSource {
  name: string;
  text: string;
}

const manifestFile = /\.(ya?ml|json)$/i;

/** Reads `-f` arguments: files, directories (their *.yaml, *.yml, *.json, sorted) and "-" for stdin. */
export async function readManifestSources(args: string[], cwd: string, readStdin: () => Promise<string>): Promise<ManifestSource[]> {
  const out: ManifestSource[] = [];
  for (const arg of args) {
    if (arg === '-') {
      out.push({ name: '<stdin>', text: await readStdin() });
      continue;
    }
    const full = path.resolve(cwd, arg);
    const st = await stat(full).catch((e: NodeJS.ErrnoException) => {
      throw new KedgeError('NotFound', e.code === 'ENOENT' ? `the path "${arg}" does not exist` : `cannot read "${arg}": ${e.message}`, { cause: e });
    });
    if (st.isDirectory()) {
      const names = (await readdir(full)).filter((n) => manifestFile.test(n)).sort();
      for (const n of names) out.push({ name: path.join(arg, n), text: await readFile(path.join(full, n), 'utf8') });
    } else {
      out.push({ name: arg, text: await readFile(full, 'utf8') });
    }
  }
  return out;
}

/** Multi-document YAML (or JSON) → plain values; a syntax error reads "FILE:LINE:COL: message". */
export function parseDocuments(src: ManifestSource): { value: unknown; line: number }[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(src.text, { lineCounter });
  const list = Array.isArray(docs) ? docs : [];
  const out: { value: unknown; line: number }[] = [];
  for (const doc of list) {
    const e = doc.errors[0];
    if (e) {
      const pos = e.linePos?.[0];
      const message = e.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
      throw new KedgeError('BadRequest', `${src.name}:${pos?.line ?? 1}:${pos?.col ?? 1}: ${message}`, { cause: e });
    }
    const line = lineCounter.linePos(doc.contents?.range[0] ?? doc.range[0]).line;
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (e) {
      // e.g. "Excessive alias count indicates a resource exhaustion attack" (a billion laughs)
      throw new KedgeError('BadRequest', `${src.name}:${line}: ${(e as Error).message}`, { cause: e });
    }
    if (value === null || value === undefined) continue;
    out.push({ value, line });
  }
  return out;
}

const knownKinds = kinds.map((k) => k.kind).join(', ');

export interface ObjectRef {
  info: KindInfo;
  name: string;
  /** Set for namespaced kinds only. */
  namespace?: string;
  where: string;
}

/** Checks one document names a kind kedge serves and works out its namespace. */
export function refOf(value: unknown, where: string, ns: { namespace: string; explicit: boolean }): ObjectRef {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new KedgeError('BadRequest', `${where}: expected an object with apiVersion and kind`);
  const raw = value as Record<string, unknown>;
  if (typeof raw.kind !== 'string' || !raw.kind) throw new KedgeError('BadRequest', `${where}: kind is required (kedge serves ${knownKinds})`);
  const info = kindByName(raw.kind);
  if (!info) throw new KedgeError('BadRequest', `${where}: unknown kind "${raw.kind}"; kedge serves ${knownKinds}`);
  if (raw.apiVersion !== info.apiVersion) {
    throw new KedgeError('BadRequest', `${where}: ${info.kind} needs apiVersion "${info.apiVersion}", got ${raw.apiVersion === undefined ? 'none' : `"${String(raw.apiVersion)}"`}`);
  }
  const meta = raw.metadata as Record<string, unknown> | undefined;
  if (!meta || typeof meta !== 'object' || typeof meta.name !== 'string' || !meta.name) throw new KedgeError('BadRequest', `${where}: ${info.kind} needs metadata.name`);
  if (!info.namespaced) return { info, name: meta.name, where };
  const own = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : undefined;
  if (own && ns.explicit && own !== ns.namespace) {
    throw new KedgeError('BadRequest', `${where}: the namespace of ${info.kind} "${meta.name}" is "${own}", not "${ns.namespace}" given with --namespace`);
  }
  return { info, name: meta.name, namespace: own ?? ns.namespace, where };
}

/** Checks one document is a valid object kedge serves and fills its namespace. */
export function toManifestObject(value: unknown, where: string, ns: { namespace: string; explicit: boolean }): ManifestObject {
  const ref = refOf(value, where, ns);
  const raw = value as Record<string, unknown>;
  const metadata: Record<string, unknown> = { ...(raw.metadata as Record<string, unknown>) };
  if (ref.namespace) metadata.namespace = ref.namespace;
  else delete metadata.namespace;
  // status is the server's to write; a manifest's copy would only hide changes.
  const { status: _status, ...rest } = raw;
  const input = { ...rest, metadata };
  const object = validate(ref.info.schema, input, { kind: ref.info.kind, name: ref.name }) as KObject;
  return { info: ref.info, object, where, ignoredFields: droppedFields(input, object) };
}

/** Every document of every source, Lists expanded, with "FILE:LINE". */
function eachDocument(sources: ManifestSource[]): { value: unknown; where: string }[] {
  const out: { value: unknown; where: string }[] = [];
  for (const src of sources) {
    for (const doc of parseDocuments(src)) {
      const where = `${src.name}:${doc.line}`;
      const v = doc.value as Record<string, unknown>;
      if (v && typeof v === 'object' && typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)) {
        for (const item of v.items) out.push({ value: item, where });
      } else out.push({ value: doc.value, where });
    }
  }
  if (!out.length) throw new KedgeError('BadRequest', `no objects found in ${sources.map((s) => s.name).join(', ') || 'the given files'}`);
  return out;
}

/** Every object of every source, validated; errors name the file and line. */
export function manifestObjects(sources: ManifestSource[], ns: { namespace: string; explicit: boolean }): ManifestObject[] {
  return eachDocument(sources).map((d) => located(d.where, () => toManifestObject(d.value, d.where, ns)));
}

/** Kind, namespace and name of every object, without schema checks (enough to delete). */
export function manifestRefs(sources: ManifestSource[], ns: { namespace: string; explicit: boolean }): ObjectRef[] {
  return eachDocument(sources).map((d) => located(d.where, () => refOf(d.value, d.where, ns)));
}

function located<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof KedgeError && !e.message.startsWith(where)) throw new KedgeError(e.code, `${where}: ${e.message}`, { cause: e, details: e.details });
    throw e;
  }
}

/** Field paths present in `raw` but gone after schema parsing (zod strips unknown keys). */
export function droppedFields(raw: unknown, parsed: unknown, at = ''): string[] {
  if (Array.isArray(raw) && Array.isArray(parsed)) return raw.flatMap((v, i) => droppedFields(v, parsed[i], `${at}[${i}]`));
  if (!isRecord(raw) || !isRecord(parsed)) return [];
  return Object.keys(raw).flatMap((k) => {
    const p = at ? `${at}.${k}` : k;
    return k in parsed ? droppedFields(raw[k], parsed[k], p) : [p];
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
