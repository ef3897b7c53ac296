import type Database from 'better-sqlite3';
import { KedgeError } from '../../shared/errors.js';
import type { KObject } from '../../shared/meta.js';
import type { Claim, ClaimRules, RowKey } from './types.js';

interface Row {
  kind: string;
  namespace: string;
  name: string;
}

/** One claim per pool and value (an object naming a value twice holds it once, for its first field). */
export function uniqueClaims(claims: Claim[]): Claim[] {
  const seen = new Set<string>();
  return claims.filter((c) => {
    const k = `${c.pool}\u0000${c.value}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const key = (c: Claim) => `${c.pool}\u0000${c.value}`;

/**
 * The claims table: (pool, value) → the object row holding it, written in the same transaction as
 * the object. Its primary key is what makes two Services unable to hold one ClusterIP.
 */
export function claimsTable(db: Database.Database, rules: ClaimRules | undefined, log: (msg: string) => void) {
  const insert = db.prepare('INSERT INTO claims (pool, value, object_id) VALUES (?, ?, ?)');
  const remove = db.prepare('DELETE FROM claims WHERE pool = ? AND value = ? AND object_id = ?');
  const clear = db.prepare('DELETE FROM claims WHERE object_id = ?');
  const holderStmt = db.prepare<[string, string], Row & { id: number }>(
    'SELECT o.id, o.kind, o.namespace, o.name FROM claims c JOIN objects o ON o.id = c.object_id WHERE c.pool = ? AND c.value = ?',
  );
  const valuesStmt = db.prepare<[string], { value: string }>('SELECT value FROM claims WHERE pool = ?');
  const rowsOfKind = db.prepare<[string], { id: number; namespace: string; name: string; data: string }>('SELECT id, namespace, name, data FROM objects WHERE kind = ?');
  const all = db.prepare<[], { pool: string; value: string; object_id: number }>('SELECT pool, value, object_id FROM claims');
  const of = (obj: KObject) => (rules && rules.kinds.includes(obj.kind) ? uniqueClaims(rules.of(obj)) : []);

  function holder(pool: string, value: string): (RowKey & { id: number }) | undefined {
    return holderStmt.get(pool, value);
  }

  return {
    /** Brings an object's claims from those of `before` to those of `obj`; a value another object holds is refused (422). */
    set(objectId: number | bigint, obj: KObject, before: KObject | undefined): void {
      if (!rules) return;
      const next = of(obj);
      const prev = before ? of(before) : [];
      const nextKeys = new Set(next.map(key));
      const prevKeys = new Set(prev.map(key));
      for (const c of prev) if (!nextKeys.has(key(c))) remove.run(c.pool, c.value, objectId);
      for (const c of next) {
        if (prevKeys.has(key(c))) continue;
        const h = holder(c.pool, c.value);
        if (h && h.id !== Number(objectId)) {
          const at = h.namespace ? `${h.namespace}/${h.name}` : h.name;
          throw new KedgeError('Invalid', `${obj.kind} "${obj.metadata.name ?? ''}" is invalid: ${c.field}: Invalid value: "${c.value}": already allocated to ${h.kind} ${at}`, {
            details: { kind: obj.kind, name: obj.metadata.name, causes: [{ field: c.field, message: `already allocated to ${h.kind} ${at}`, reason: 'FieldValueInvalid' }] },
          });
        }
        if (!h) insert.run(c.pool, c.value, objectId);
      }
    },
    clear(objectId: number | bigint): void {
      if (rules) clear.run(objectId);
    },
    holder(pool: string, value: string): RowKey | undefined {
      const h = holder(pool, value);
      return h && { kind: h.kind, namespace: h.namespace, name: h.name };
    },
    values(pool: string): string[] {
      return valuesStmt.all(pool).map((r) => r.value);
    },
    /**
     * Makes the table say what the objects say (it is an index of them): run once at open, so a
     * database written without these rules, or by an older kedge, is set right. Conflicts keep the first holder.
     */
    rebuild(decode: (data: string, row: RowKey) => KObject): void {
      if (!rules) return;
      const want = new Map<string, { pool: string; value: string; id: number }>();
      for (const kind of rules.kinds) {
        for (const r of rowsOfKind.all(kind)) {
          for (const c of of(decode(r.data, { kind, namespace: r.namespace, name: r.name }))) {
            const k = key(c);
            const other = want.get(k);
            if (other && other.id !== r.id) log(`store: ${c.field} "${c.value}" of ${kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name} is also held by another object; left with the first`);
            else want.set(k, { pool: c.pool, value: c.value, id: r.id });
          }
        }
      }
      const have = all.all();
      const stale = have.filter((h) => want.get(`${h.pool}\u0000${h.value}`)?.id !== h.object_id);
      const haveKeys = new Set(have.filter((h) => !stale.includes(h)).map((h) => `${h.pool}\u0000${h.value}`));
      const missing = [...want].filter(([k]) => !haveKeys.has(k)).map(([, v]) => v);
      if (!stale.length && !missing.length) return;
      db.transaction(() => {
        for (const h of stale) remove.run(h.pool, h.value, h.object_id);
        for (const m of missing) insert.run(m.pool, m.value, m.id);
      })();
    },
  };
}

export type ClaimsTable = ReturnType<typeof claimsTable>;
