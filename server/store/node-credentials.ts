import type Database from 'better-sqlite3';
import type { NodeCredentials } from './types.js';

interface Row {
  name: string;
  password_hash: string;
  mqtt_password_hash: string;
  created_at: string;
}

/** The node_credentials table: one row per node name, replaced on re-registration. */
export function nodeCredentialsTable(db: Database.Database) {
  const getStmt = db.prepare<[string], Row>('SELECT name, password_hash, mqtt_password_hash, created_at FROM node_credentials WHERE name = ?');
  const putStmt = db.prepare(
    `INSERT INTO node_credentials (name, password_hash, mqtt_password_hash, created_at) VALUES (@name, @passwordHash, @mqttPasswordHash, @createdAt)
     ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, mqtt_password_hash = excluded.mqtt_password_hash, created_at = excluded.created_at`,
  );
  const deleteStmt = db.prepare('DELETE FROM node_credentials WHERE name = ?');

  return {
    get(name: string): NodeCredentials | undefined {
      const r = getStmt.get(name);
      return r && { name: r.name, passwordHash: r.password_hash, mqttPasswordHash: r.mqtt_password_hash, createdAt: r.created_at };
    },
    put(c: NodeCredentials): void {
      putStmt.run({ name: c.name, passwordHash: c.passwordHash, mqttPasswordHash: c.mqttPasswordHash, createdAt: c.createdAt });
    },
    delete(name: string): void {
      deleteStmt.run(name);
    },
  };
}
