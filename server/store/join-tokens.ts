import type Database from 'better-sqlite3';
import type { JoinTokenRecord } from './types.js';

interface Row {
  id: string;
  secret_hash: string;
  description: string;
  created_at: string;
  expires_at: string | null;
}

const fromRow = (r: Row): JoinTokenRecord => ({
  id: r.id,
  secretHash: r.secret_hash,
  description: r.description,
  createdAt: r.created_at,
  ...(r.expires_at ? { expiresAt: r.expires_at } : {}),
});

/** The join_tokens table: extra join tokens by id, secrets kept as hashes. */
export function joinTokensTable(db: Database.Database) {
  const getStmt = db.prepare<[string], Row>('SELECT id, secret_hash, description, created_at, expires_at FROM join_tokens WHERE id = ?');
  const listStmt = db.prepare<[], Row>('SELECT id, secret_hash, description, created_at, expires_at FROM join_tokens ORDER BY created_at, id');
  const insertStmt = db.prepare('INSERT INTO join_tokens (id, secret_hash, description, created_at, expires_at) VALUES (@id, @secretHash, @description, @createdAt, @expiresAt)');
  const deleteStmt = db.prepare('DELETE FROM join_tokens WHERE id = ?');

  return {
    get(id: string): JoinTokenRecord | undefined {
      const r = getStmt.get(id);
      return r && fromRow(r);
    },
    list(): JoinTokenRecord[] {
      return listStmt.all().map(fromRow);
    },
    put(t: JoinTokenRecord): void {
      insertStmt.run({ id: t.id, secretHash: t.secretHash, description: t.description, createdAt: t.createdAt, expiresAt: t.expiresAt ?? null });
    },
    /** True when a token was deleted. */
    delete(id: string): boolean {
      return deleteStmt.run(id).changes > 0;
    },
  };
}

export type JoinTokenTable = ReturnType<typeof joinTokensTable>;
