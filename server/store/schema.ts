import type Database from 'better-sqlite3';
import { KedgeError } from '../../shared/errors.js';

/**
 * The schema, as an ordered list of migrations. PRAGMA user_version records how many have run;
 * append new migrations, never edit old ones.
 */
export const migrations: string[] = [
  `
  CREATE TABLE objects (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    uid TEXT NOT NULL,
    resource_version INTEGER NOT NULL,
    data TEXT NOT NULL
  );
  -- Also the kind+namespace index: list queries use its (kind, namespace) prefix, so a second
  -- index would only add writes (SD card wear).
  CREATE UNIQUE INDEX objects_key ON objects (kind, namespace, name);

  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  );
  INSERT INTO meta (key, value) VALUES ('resourceVersion', 0);

  CREATE TABLE node_credentials (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    mqtt_password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  `,
  // Join tokens beyond the bootstrap one in <data-dir>/token (kedge token create); only a hash of the secret is kept.
  `
  CREATE TABLE join_tokens (
    id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT
  );
  `,
  // The pods bound to a node (the desired-state publisher asks on every pod change): without it each
  // question decodes every pod in the cluster. Pods are plain JSON (only Secrets are encrypted).
  `
  CREATE INDEX objects_pod_node ON objects (ifnull(json_extract(data, '$.spec.nodeName'), '')) WHERE kind = 'Pod';
  `,
  // Who owns what (metadata.ownerReferences), so the garbage collector asks "what did this uid own"
  // instead of decoding every object of a namespace on each deletion. Secrets are encrypted: the
  // store adds theirs when it opens (owner-refs.ts).
  `
  CREATE TABLE owner_refs (
    owner_uid TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    PRIMARY KEY (owner_uid, object_id)
  ) WITHOUT ROWID;
  CREATE INDEX owner_refs_object ON owner_refs (object_id);
  CREATE INDEX objects_uid ON objects (uid);
  INSERT OR IGNORE INTO owner_refs (owner_uid, object_id)
    SELECT json_extract(r.value, '$.uid'), o.id
    FROM objects o, json_each(CASE WHEN o.kind = 'Secret' THEN '{}' ELSE o.data END, '$.metadata.ownerReferences') r
    WHERE json_extract(r.value, '$.uid') IS NOT NULL;
  `,
  // Values held exclusively (ClusterIPs, NodePorts, pod ranges): the primary key refuses a second
  // holder inside the writing transaction. Filled from the objects when the store opens (claims.ts).
  `
  CREATE TABLE claims (
    pool TEXT NOT NULL,
    value TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    PRIMARY KEY (pool, value)
  ) WITHOUT ROWID;
  CREATE INDEX claims_object ON claims (object_id);
  `,
];

/** Sets the connection's durability pragmas and brings the schema up to date. */
export function prepareDatabase(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  // FULL syncs the WAL on every commit: NORMAL in WAL mode may lose the last acknowledged writes on power loss.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
}

export function migrate(db: Database.Database, list: string[] = migrations): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > list.length) {
    throw new KedgeError('InternalError', `the database schema is version ${current}, newer than this kedge knows (${list.length}); upgrade kedge`);
  }
  for (let i = current; i < list.length; i++) {
    db.transaction(() => {
      db.exec(list[i]!);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
}
