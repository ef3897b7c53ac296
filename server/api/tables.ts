/** Server-side printing: `Table` responses for kubectl get (Accept: application/json;as=Table;v=v1;g=meta.k8s.io). */
import type { Context } from 'hono';
import { KedgeError } from '../../shared/errors.js';
import type { KObject } from '../../shared/meta.js';
import type { IncludeObject, Table } from '../../shared/table.js';
import { columnsFor } from './table-columns.js';

export interface TableRequest {
  /** meta.k8s.io version the client asked for. */
  version: 'v1' | 'v1beta1';
  includeObject: IncludeObject;
}

/**
 * Whether the Accept header asks for a Table (the first acceptable media range wins, as in
 * Kubernetes' negotiation), and how much of each object to embed (?includeObject=, default Metadata).
 */
export function tableRequest(accept: string | undefined, includeObject: string | undefined): TableRequest | undefined {
  for (const range of (accept ?? '').split(',')) {
    const [type, ...params] = range.split(';').map((p) => p.trim());
    const p = Object.fromEntries(params.map((kv) => kv.split('=').map((x) => x.trim()) as [string, string]));
    if (type !== 'application/json' && type !== '*/*') continue;
    if (p.as === undefined) return undefined; // plain JSON is preferred over any Table listed after it
    if (p.as !== 'Table' || p.g !== 'meta.k8s.io' || (p.v !== 'v1' && p.v !== 'v1beta1')) continue;
    return { version: p.v, includeObject: parseIncludeObject(includeObject) };
  }
  return undefined;
}

function parseIncludeObject(v: string | undefined): IncludeObject {
  if (v === undefined || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw new KedgeError('BadRequest', `includeObject: "${v}" must be None, Metadata or Object`);
}

export function tableContentType(req: TableRequest): string {
  return `application/json;as=Table;v=${req.version};g=meta.k8s.io`;
}

/** One Table for objects of one kind; `headers: false` leaves out the column definitions (watch events after the first). */
export function toTable(kind: string, items: KObject[], req: TableRequest, o: { now: number; resourceVersion?: string; headers?: boolean }): Table {
  const cols = columnsFor(kind);
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${req.version}`,
    metadata: o.resourceVersion !== undefined ? { resourceVersion: o.resourceVersion } : {},
    columnDefinitions: o.headers === false ? [] : cols.columns,
    rows: items.map((it) => ({ cells: cols.cells(it, o.now), ...embedded(it, req) })),
  };
}

function embedded(o: KObject, req: TableRequest): { object?: unknown } {
  if (req.includeObject === 'None') return {};
  if (req.includeObject === 'Object') return { object: o };
  return { object: { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${req.version}`, metadata: o.metadata } };
}

/** What a resource route needs to answer with Tables when the request asks for them. */
export interface TableResponder {
  /** A list (or one object) as a Table response. */
  respond(items: KObject[], resourceVersion?: string): Response;
  /** The per-event view for a watch: each event's object becomes a one-row Table, column definitions only in the first. */
  watchView(view: (o: KObject) => KObject): (o: KObject) => KObject;
}

export function tableResponder(c: Context, kind: string, now: () => number = Date.now): TableResponder | undefined {
  const req = tableRequest(c.req.header('accept'), c.req.query('includeObject'));
  if (!req) return undefined;
  return {
    respond: (items, resourceVersion) => c.body(JSON.stringify(toTable(kind, items, req, { now: now(), resourceVersion })), 200, { 'Content-Type': tableContentType(req) }),
    watchView: (view) => tableWatchView(kind, req, now, view),
  };
}

/** Each watch event's object as a one-row Table, column definitions only in the first, as Kubernetes streams them. */
export function tableWatchView(kind: string, req: TableRequest, now: () => number, view: (o: KObject) => KObject = (o) => o): (o: KObject) => KObject {
  let first = true;
  return (o) => {
    const t = toTable(kind, [view(o)], req, { now: now(), resourceVersion: o.metadata.resourceVersion, headers: first });
    first = false;
    return t as unknown as KObject;
  };
}
