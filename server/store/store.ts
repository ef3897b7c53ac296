import Database from 'better-sqlite3';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { KedgeError, isKedgeError } from '../../shared/errors.js';
import { kindByName } from '../../shared/kinds.js';
import type { KObject } from '../../shared/meta.js';
import { matches } from '../../shared/selector.js';
import { ChangeFeed } from './change-feed.js';
import { deletionFinished } from './deletion-finished.js';
import { fieldValue, plainJson, sameJson } from './json-values.js';
import { sqliteNativeBinding } from './native-binding.js';
import { claimsTable } from './claims.js';
import { joinTokensTable } from './join-tokens.js';
import { nodeCredentialsTable } from './node-credentials.js';
import { ownerRefsTable, ownerUids } from './owner-refs.js';
import { prepareDatabase } from './schema.js';
import type { ClaimRules, ListOptions, ObjectCodec, Store, StoreEvent, UpdateOptions } from './types.js';

export interface StoreDeps {
  now?: () => Date;
  uid?: () => string;
  /** Where listener failures are reported; defaults to stderr. */
  log?: (msg: string) => void;
  /** How many recent changes are kept for watch resume; defaults to 2000. */
  watchHistory?: number;
  /** How objects are stored; defaults to plain JSON (the server encrypts Secrets with it). */
  codec?: ObjectCodec;
  /** Values objects hold exclusively (ClusterIPs, NodePorts, pod ranges); none by default. */
  claims?: ClaimRules;
}

const plainCodec: ObjectCodec = {
  encode: (obj) => JSON.stringify(obj),
  decode: (text) => JSON.parse(text) as KObject,
};

/** Thrown to roll a dry run's transaction back; never leaves the store. */
const rollback = Symbol('dry run rollback');

const nameAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Opens (creating and migrating if needed) the SQLite store at `path`; ':memory:' for tests. */
export function openStore(path: string, deps: StoreDeps = {}): Store {
  const now = deps.now ?? (() => new Date());
  const newUid = deps.uid ?? randomUUID;
  const log = deps.log ?? ((msg: string) => console.error(msg));
  const codec = deps.codec ?? plainCodec;

  let db: Database.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // The single executable carries its own addon (an object; the typings only know paths).
    db = new Database(path, { nativeBinding: sqliteNativeBinding() as string | undefined });
    prepareDatabase(db);
  } catch (e) {
    if (isKedgeError(e)) throw e;
    throw new KedgeError('InternalError', `cannot open the store at ${path}: ${(e as Error).message}`, { cause: e });
  }

  const q = {
    get: db.prepare<[string, string, string], { id: number; data: string }>('SELECT id, data FROM objects WHERE kind = ? AND namespace = ? AND name = ?'),
    byUid: db.prepare<[string], { kind: string; namespace: string; name: string; data: string }>('SELECT kind, namespace, name, data FROM objects WHERE uid = ? LIMIT 1'),
    secrets: db.prepare<[], { id: number; namespace: string; name: string; data: string }>("SELECT id, namespace, name, data FROM objects WHERE kind = 'Secret'"),
    listKind: db.prepare<[string], { namespace: string; name: string; data: string }>('SELECT namespace, name, data FROM objects WHERE kind = ? ORDER BY namespace, name'),
    listKindNs: db.prepare<[string, string], { namespace: string; name: string; data: string }>('SELECT namespace, name, data FROM objects WHERE kind = ? AND namespace = ? ORDER BY name'),
    // INDEXED BY: without statistics the planner prefers objects_key and scans every pod.
    listPodsOnNode: db.prepare<[string], { namespace: string; name: string; data: string }>(
      "SELECT namespace, name, data FROM objects INDEXED BY objects_pod_node WHERE kind = 'Pod' AND ifnull(json_extract(data, '$.spec.nodeName'), '') = ? ORDER BY namespace, name",
    ),
    insert: db.prepare('INSERT INTO objects (kind, namespace, name, uid, resource_version, data) VALUES (?, ?, ?, ?, ?, ?)'),
    update: db.prepare('UPDATE objects SET resource_version = ?, data = ? WHERE kind = ? AND namespace = ? AND name = ?'),
    remove: db.prepare('DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?'),
    readRv: db.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'resourceVersion'"),
    writeRv: db.prepare("UPDATE meta SET value = ? WHERE key = 'resourceVersion'"),
  };
  const credentials = nodeCredentialsTable(db);
  const owners = ownerRefsTable(db);
  const claims = claimsTable(db, deps.claims, log);
  // The schema migration could not read encrypted Secrets' owners; there are few Secrets, so look each start.
  try {
    db.transaction(() => {
      for (const r of q.secrets.all()) owners.set(r.id, ownerUids(codec.decode(r.data, { kind: 'Secret', namespace: r.namespace, name: r.name })), []);
    })();
  } catch (e) {
    log(`store: cannot index the owners of Secrets: ${(e as Error).message}`);
  }

  try {
    claims.rebuild((data, row) => codec.decode(data, row));
  } catch (e) {
    log(`store: cannot index the values objects hold: ${(e as Error).message}`);
  }

  let rv = q.readRv.get()!.value;
  const feed = new ChangeFeed(rv, deps.watchHistory ?? 2000, log);
  /** Inside batch(): changes wait here until the one outer transaction commits. */
  let batched: StoreEvent[] | undefined;

  function readRow(kind: string, namespace: string, name: string): { id: number; obj: KObject } | undefined {
    const row = q.get.get(kind, namespace, name);
    return row && { id: row.id, obj: codec.decode(row.data, { kind, namespace, name }) };
  }

  function read(kind: string, namespace: string, name: string): KObject | undefined {
    return readRow(kind, namespace, name)?.obj;
  }

  /** Runs `fn` with the next resourceVersion in one transaction; the counter advances only if it commits. */
  function commit(type: StoreEvent['type'], obj: KObject, fn: (next: number) => void): void {
    const next = rv + 1;
    try {
      db.transaction(() => {
        fn(next);
        q.writeRv.run(next);
      })();
    } catch (e) {
      if (isKedgeError(e)) throw e;
      throw new KedgeError('InternalError', `store: cannot write ${describe(obj.kind, obj.metadata.name ?? '')}: ${(e as Error).message}`, { cause: e });
    }
    rv = next;
    if (batched) batched.push({ type, object: obj, rv: next });
    else feed.publish({ type, object: obj, rv: next });
  }

  function generateName(kind: string, namespace: string, prefix: string): string {
    for (let attempt = 0; attempt < 8; attempt++) {
      let suffix = '';
      for (let i = 0; i < 5; i++) suffix += nameAlphabet[randomInt(nameAlphabet.length)];
      if (!read(kind, namespace, prefix + suffix)) return prefix + suffix;
    }
    throw new KedgeError('AlreadyExists', `metadata.generateName: could not find a free name with prefix "${prefix}" for ${kind}; try again or choose a name`);
  }

  return {
    create(input) {
      const obj = normalize(plainJson(input));
      if (!obj.kind) throw new KedgeError('BadRequest', 'kind: is required');
      const namespace = obj.metadata.namespace ?? '';
      let name = obj.metadata.name;
      if (!name) {
        if (!obj.metadata.generateName) throw new KedgeError('Invalid', 'metadata.name: name or generateName is required');
        name = generateName(obj.kind, namespace, obj.metadata.generateName);
      }
      if (read(obj.kind, namespace, name)) {
        throw new KedgeError('AlreadyExists', `${describe(obj.kind, name)} already exists`, { details: { kind: obj.kind, name } });
      }
      const uid = newUid();
      const next = rv + 1;
      // A new object is not being deleted, whatever its author wrote (Kubernetes' BeforeCreate).
      const { deletionTimestamp: _dt, deletionGracePeriodSeconds: _dg, ...given } = obj.metadata;
      obj.metadata = {
        ...given,
        name,
        uid,
        creationTimestamp: now().toISOString().replace(/\.\d+Z$/, 'Z'),
        resourceVersion: String(next),
        generation: 1,
      };
      commit('ADDED', obj, (at) => {
        const row = q.insert.run(obj.kind, namespace, name, uid, at, codec.encode(obj, { kind: obj.kind, namespace, name }));
        owners.set(row.lastInsertRowid, ownerUids(obj), []);
        claims.set(row.lastInsertRowid, obj, undefined);
      });
      return structuredClone(obj);
    },

    get(kind, namespace, name) {
      return read(kind, namespace, name);
    },

    list(kind, opts: ListOptions = {}) {
      // "" means every namespace, as in Kubernetes; cluster-scoped objects all live in "" anyway.
      const node = kind === 'Pod' ? opts.fields?.['spec.nodeName'] : undefined;
      const rows =
        node !== undefined
          ? q.listPodsOnNode.all(node).filter((r) => !opts.namespace || r.namespace === opts.namespace)
          : opts.namespace
            ? q.listKindNs.all(kind, opts.namespace)
            : q.listKind.all(kind);
      const fields = Object.entries(opts.fields ?? {});
      const items = rows
        .map((r) => codec.decode(r.data, { kind, namespace: r.namespace, name: r.name }))
        .filter((o) => !opts.labelSelector || matches(opts.labelSelector, o.metadata.labels))
        .filter((o) => fields.every(([path, want]) => fieldValue(o, path) === want));
      return { items, resourceVersion: String(rv) };
    },

    update(input, opts: UpdateOptions = {}) {
      const obj = normalize(plainJson(input));
      const namespace = obj.metadata.namespace ?? '';
      const name = obj.metadata.name;
      if (!name) throw new KedgeError('Invalid', 'metadata.name: is required to update an object');
      const row = readRow(obj.kind, namespace, name);
      if (!row) throw new KedgeError('NotFound', `${describe(obj.kind, name)} not found`, { details: { kind: obj.kind, name } });
      const cur = row.obj;
      if (opts.expectResourceVersion !== undefined && opts.expectResourceVersion !== cur.metadata.resourceVersion) {
        throw new KedgeError(
          'Conflict',
          `Operation cannot be fulfilled on ${describe(obj.kind, name)}: the object has been modified; please apply your changes to the latest version and try again`,
          { details: { kind: obj.kind, name } },
        );
      }
      if (obj.metadata.uid && obj.metadata.uid !== cur.metadata.uid) {
        throw new KedgeError('Conflict', `Precondition failed for ${describe(obj.kind, name)}: UID ${obj.metadata.uid} is not the stored object's (${cur.metadata.uid}); it was deleted and recreated`, {
          details: { kind: obj.kind, name },
        });
      }
      let next: KObject;
      if (opts.subresource === 'status') {
        next = { ...cur, status: obj.status };
        if (obj.status === undefined) delete next.status;
      } else {
        next = {
          ...obj,
          metadata: {
            ...obj.metadata,
            uid: cur.metadata.uid,
            creationTimestamp: cur.metadata.creationTimestamp,
            resourceVersion: cur.metadata.resourceVersion,
            generation: cur.metadata.generation,
          },
        };
        if (!sameJson(next.spec, cur.spec)) next.metadata.generation = (cur.metadata.generation ?? 0) + 1;
      }
      // A write that changes nothing costs no disk write, no resourceVersion and no event (SD card wear).
      if (sameJson(next, cur)) return cur;
      // The write that lets the last hold of a deletion go (a finalizer, the grace period) removes the object.
      if (deletionFinished(next)) {
        commit('DELETED', next, (at) => {
          q.remove.run(next.kind, namespace, name);
          owners.clear(row.id);
          claims.clear(row.id);
          next.metadata.resourceVersion = String(at);
        });
        return structuredClone(next);
      }
      const data = (at: number) => {
        next.metadata.resourceVersion = String(at);
        return codec.encode(next, { kind: next.kind, namespace, name });
      };
      commit('MODIFIED', next, (at) => {
        q.update.run(at, data(at), next.kind, namespace, name);
        owners.set(row.id, ownerUids(next), ownerUids(cur));
        claims.set(row.id, next, cur);
      });
      return structuredClone(next);
    },

    delete(kind, namespace, name) {
      const row = readRow(kind, namespace, name);
      if (!row) throw new KedgeError('NotFound', `${describe(kind, name)} not found`, { details: { kind, name } });
      const cur = row.obj;
      // The deletion is a change like any other: the object reports the resourceVersion it was deleted at.
      commit('DELETED', cur, (at) => {
        q.remove.run(kind, namespace, name);
        owners.clear(row.id);
        claims.clear(row.id);
        cur.metadata.resourceVersion = String(at);
      });
      return structuredClone(cur);
    },

    batch(fn) {
      if (batched) return fn();
      const events: StoreEvent[] = [];
      const rvBefore = rv;
      batched = events;
      let out;
      try {
        // Each write inside is a savepoint of this one transaction: one fsync for all of them.
        out = db.transaction(fn)();
      } catch (e) {
        rv = rvBefore;
        throw e;
      } finally {
        batched = undefined;
      }
      for (const e of events) feed.publish(e);
      return out;
    },

    dryRun(fn) {
      const outer = batched;
      const rvBefore = rv;
      batched = [];
      let out!: ReturnType<typeof fn>;
      try {
        db.transaction(() => {
          out = fn();
          throw rollback;
        })();
      } catch (e) {
        if (e !== rollback) throw e;
      } finally {
        // The events of the writes that never happened are dropped with them.
        batched = outer;
        rv = rvBefore;
      }
      return out;
    },

    watch(listener, opts = {}) {
      return feed.subscribe(listener, opts.sinceResourceVersion);
    },

    currentResourceVersion() {
      return rv;
    },

    ownedBy(uid) {
      return owners.owned(uid).map((r) => codec.decode(r.data, { kind: r.kind, namespace: r.namespace, name: r.name }));
    },
    missingOwners: () => owners.missingOwners(),
    uidExists: (uid) => owners.exists(uid),
    getByUid(uid) {
      const r = q.byUid.get(uid);
      return r && codec.decode(r.data, { kind: r.kind, namespace: r.namespace, name: r.name });
    },
    claims: { holder: (pool, value) => claims.holder(pool, value), values: (pool) => claims.values(pool) },

    getNodeCredentials: (name) => credentials.get(name),
    putNodeCredentials: (c) => credentials.put(c),
    deleteNodeCredentials: (name) => credentials.delete(name),
    joinTokens: joinTokensTable(db),

    close() {
      feed.clear();
      if (db.open) db.close();
    },
  };
}

/** Cluster-scoped objects carry no namespace key at all, so "" and absent compare equal. */
function normalize(obj: KObject): KObject {
  if (!obj || typeof obj !== 'object') throw new KedgeError('BadRequest', 'the object must be a JSON object');
  obj.metadata ??= {};
  if (obj.metadata.namespace === '') delete obj.metadata.namespace;
  return obj;
}

/** Kubernetes' wording: pods "web". */
function describe(kind: string, name: string): string {
  return `${kindByName(kind)?.plural ?? kind.toLowerCase()} "${name}"`;
}
