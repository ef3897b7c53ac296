import type Database from 'better-sqlite3';
import type { KObject } from '../../shared/meta.js';

/** The owner uids an object names in metadata.ownerReferences, deduplicated and sorted. */
export function ownerUids(obj: KObject): string[] {
  const uids = new Set<string>();
  for (const r of obj.metadata.ownerReferences ?? []) if (r.uid) uids.add(r.uid);
  return [...uids].sort();
}

/** The owner_refs table: (owner uid, object row) pairs, written in the same transaction as the object. */
export function ownerRefsTable(db: Database.Database) {
  const insert = db.prepare('INSERT OR IGNORE INTO owner_refs (owner_uid, object_id) VALUES (?, ?)');
  const clear = db.prepare('DELETE FROM owner_refs WHERE object_id = ?');
  const owned = db.prepare<[string], { kind: string; namespace: string; name: string; data: string }>(
    'SELECT o.kind, o.namespace, o.name, o.data FROM owner_refs r JOIN objects o ON o.id = r.object_id WHERE r.owner_uid = ? ORDER BY o.kind, o.namespace, o.name',
  );
  const missing = db.prepare<[], { owner_uid: string }>('SELECT DISTINCT owner_uid FROM owner_refs r WHERE NOT EXISTS (SELECT 1 FROM objects o WHERE o.uid = r.owner_uid)');
  const hasUid = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM objects WHERE uid = ? LIMIT 1');

  return {
    /** Replaces an object's rows; `before` (the uids it named so far, [] for a new row) saves the writes when nothing changed. */
    set(objectId: number | bigint, uids: string[], before: string[]): void {
      if (before.length === uids.length && before.every((u, i) => u === uids[i])) return;
      if (before.length > 0) clear.run(objectId);
      for (const u of uids) insert.run(u, objectId);
    },
    clear(objectId: number | bigint): void {
      clear.run(objectId);
    },
    owned(uid: string) {
      return owned.all(uid);
    },
    /** Owner uids still named by some object although no object has them any more. */
    missingOwners(): string[] {
      return missing.all().map((r) => r.owner_uid);
    },
    exists(uid: string): boolean {
      return hasUid.get(uid) !== undefined;
    },
  };
}
