import { KedgeError } from '../../../shared/errors.js';
import type { ListResult } from '../../../shared/client.js';
import type { DeleteOptions } from '../../../shared/delete-options.js';
import type { KObject } from '../../../shared/meta.js';
import { kindByName, type KindInfo } from '../../../shared/kinds.js';
import { matches, parseSelector } from '../../../shared/selector.js';
import type { IncludeObject, Table } from '../../../shared/table.js';
import { toTable } from '../../../server/api/tables.js';

/**
 * An in-memory stand-in for the API client with the server's update rules (resourceVersion
 * conflicts, NotFound, AlreadyExists) and the server's Tables, so CLI commands are tested without a
 * server. `clock` is the server's time for the ages in Tables.
 */
export function memoryClient(opts: { defaults?: (o: KObject) => KObject; now?: () => string; clock?: () => number } = {}) {
  const objects = new Map<string, KObject>();
  let rv = 0;
  const calls: string[] = [];
  const infoOf = (k: string | KindInfo) => (typeof k === 'string' ? kindByName(k)! : k);
  const keyOf = (info: KindInfo, ns: string | undefined, name: string) => `${info.kind}/${info.namespaced ? ns ?? 'default' : ''}/${name}`;
  const copy = <T>(o: T): T => structuredClone(o);
  const notFound = (info: KindInfo, name: string) => new KedgeError('NotFound', `${info.plural} "${name}" not found`);

  async function get<T = KObject>(kind: string | KindInfo, ns: string | undefined, name: string): Promise<T> {
    const info = infoOf(kind);
    calls.push(`get ${info.kind} ${name}`);
    const o = objects.get(keyOf(info, ns, name));
    if (!o) throw notFound(info, name);
    return copy(o) as T;
  }

  async function list<T = KObject>(kind: string | KindInfo, q: { namespace?: string; labelSelector?: string } = {}): Promise<ListResult<T>> {
    const info = infoOf(kind);
    calls.push(`list ${info.kind}`);
    const reqs = parseSelector(q.labelSelector);
    const items = [...objects.values()].filter(
      (o) => o.kind === info.kind && (!info.namespaced || q.namespace === undefined || o.metadata.namespace === q.namespace) && matches(reqs, o.metadata.labels),
    );
    // Like the API: list items carry no apiVersion/kind.
    return { apiVersion: info.apiVersion, kind: `${info.kind}List`, metadata: { resourceVersion: String(rv) }, items: items.map(({ apiVersion: _a, kind: _k, ...rest }) => copy(rest) as T) };
  }

  return {
    objects,
    calls,
    get,
    list,
    /** What the server answers a Table request with, from the server's own columns. */
    async table(kind: string | KindInfo, q: { namespace?: string; name?: string; labelSelector?: string; includeObject?: IncludeObject } = {}): Promise<Table> {
      const info = infoOf(kind);
      const listed = async () => (await list<KObject>(info, q)).items.map((o) => ({ ...o, apiVersion: info.apiVersion, kind: info.kind }));
      const items = q.name !== undefined ? [await get<KObject>(info, q.namespace, q.name)] : await listed();
      const resourceVersion = q.name !== undefined ? items[0]!.metadata.resourceVersion : String(rv);
      return toTable(info.kind, items, { version: 'v1', includeObject: q.includeObject ?? 'Metadata' }, { now: (opts.clock ?? Date.now)(), resourceVersion });
    },
    /** Stores an object as if another client wrote it. */
    put(o: KObject): KObject {
      const info = infoOf(o.kind);
      const stored = copy({ ...o, metadata: { ...o.metadata, resourceVersion: String(++rv) } });
      objects.set(keyOf(info, o.metadata.namespace, o.metadata.name!), stored);
      return copy(stored);
    },
    async create<T extends KObject>(o: T): Promise<T> {
      const info = infoOf(o.kind);
      calls.push(`create ${info.kind} ${o.metadata.name}`);
      const key = keyOf(info, o.metadata.namespace, o.metadata.name!);
      if (objects.has(key)) throw new KedgeError('AlreadyExists', `${info.plural} "${o.metadata.name}" already exists`);
      const base = opts.defaults ? opts.defaults(copy(o)) : copy(o);
      const stored = { ...base, metadata: { ...base.metadata, uid: `uid-${rv + 1}`, resourceVersion: String(++rv), creationTimestamp: opts.now?.() ?? '2024-01-01T00:00:00Z' } };
      objects.set(key, stored);
      return copy(stored) as T;
    },
    async update<T extends KObject>(o: T): Promise<T> {
      const info = infoOf(o.kind);
      calls.push(`update ${info.kind} ${o.metadata.name}`);
      const key = keyOf(info, o.metadata.namespace, o.metadata.name!);
      const cur = objects.get(key);
      if (!cur) throw notFound(info, o.metadata.name!);
      if (o.metadata.resourceVersion !== cur.metadata.resourceVersion) {
        throw new KedgeError('Conflict', `the object has been modified; please apply your changes to the latest version and try again`);
      }
      const base = opts.defaults ? opts.defaults(copy(o)) : copy(o);
      const stored = { ...base, metadata: { ...base.metadata, resourceVersion: String(++rv) } };
      objects.set(key, stored);
      return copy(stored) as T;
    },
    async delete(kind: string | KindInfo, ns: string | undefined, name: string, options?: Omit<DeleteOptions, 'kind' | 'apiVersion'>): Promise<KObject> {
      const info = infoOf(kind);
      calls.push(`delete ${info.kind} ${name}${options ? ` ${JSON.stringify(options)}` : ''}`);
      const key = keyOf(info, ns, name);
      const o = objects.get(key);
      if (!o) throw notFound(info, name);
      objects.delete(key);
      return copy(o);
    },
  };
}
