import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isKedgeError } from '../../shared/errors.js';
import { migrations, prepareDatabase } from './schema.js';
import { openStore } from './store.js';

const dirs: string[] = [];
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), 'kedge-store-'));
  dirs.push(d);
  return join(d, 'state.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('persistence', () => {
  it('keeps every acknowledged write across close and reopen, and the counter continues', () => {
    const path = tempDb();
    const a = openStore(path);
    a.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    const p = a.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'prod' }, spec: { v: 1 } });
    a.update({ ...p, status: { phase: 'Running' } }, { subresource: 'status' });
    a.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gone', namespace: 'prod' } });
    a.delete('Pod', 'prod', 'gone');
    a.putNodeCredentials({ name: 'edge-1', passwordHash: 'scrypt$a$b', mqttPasswordHash: 'ff', createdAt: '2024-01-01T00:00:00Z' });
    a.close();

    const b = openStore(path);
    expect(b.currentResourceVersion()).toBe(5);
    expect(b.get('Pod', 'prod', 'web')).toMatchObject({ status: { phase: 'Running' }, metadata: { resourceVersion: '3', uid: p.metadata.uid } });
    expect(b.get('Pod', 'prod', 'gone')).toBeUndefined();
    expect(b.get('Namespace', '', 'prod')).toBeDefined();
    expect(b.getNodeCredentials('edge-1')?.passwordHash).toBe('scrypt$a$b');
    expect(b.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'next', namespace: 'prod' } }).metadata.resourceVersion).toBe('6');
    b.close();
  });

  it('survives a writer that never closed (as after kill -9)', () => {
    const path = tempDb();
    const a = openStore(path);
    a.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' } });
    // No close(): a second connection sees the committed WAL content.
    const b = openStore(path);
    expect(b.get('Pod', 'default', 'web')?.metadata.resourceVersion).toBe('1');
    b.close();
    a.close();
  });

  it('uses WAL with synchronous=FULL and records the schema version', () => {
    const path = tempDb();
    const db = new Database(path);
    prepareDatabase(db);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    db.close();
  });

  it('does not touch the disk for a write that changes nothing', () => {
    const path = tempDb();
    const s = openStore(path);
    const p = s.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { v: 1 }, status: { phase: 'Running' } });
    const wal = () => statSync(`${path}-wal`).size;
    const before = wal();
    s.update(p);
    s.update(p, { subresource: 'status' });
    expect(wal()).toBe(before);
    s.update({ ...p, status: { phase: 'Failed' } }, { subresource: 'status' });
    expect(wal()).toBeGreaterThan(before);
    s.close();
  });

  it('refuses a database from a newer kedge', () => {
    const path = tempDb();
    openStore(path).close();
    const db = new Database(path);
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    let err: unknown;
    try {
      openStore(path);
    } catch (e) {
      err = e;
    }
    expect(isKedgeError(err)).toBe(true);
    expect((err as Error).message).toContain('newer than this kedge knows');
  });

  it('creates a missing parent directory', () => {
    const path = join(tempDb(), '..', 'db', 'state.db');
    openStore(path).close();
    expect(statSync(path).isFile()).toBe(true);
  });

  it('wraps an unopenable path in a clear error naming it', () => {
    const file = tempDb();
    writeFileSync(file, 'not a directory');
    expect(() => openStore(join(file, 'state.db'))).toThrow(join(file, 'state.db'));
  });
});

describe('node credentials', () => {
  it('creates, reads, replaces and deletes', () => {
    const s = openStore(':memory:');
    expect(s.getNodeCredentials('edge-1')).toBeUndefined();
    s.putNodeCredentials({ name: 'edge-1', passwordHash: 'h1', mqttPasswordHash: 'm1', createdAt: 't1' });
    expect(s.getNodeCredentials('edge-1')).toEqual({ name: 'edge-1', passwordHash: 'h1', mqttPasswordHash: 'm1', createdAt: 't1' });
    s.putNodeCredentials({ name: 'edge-1', passwordHash: 'h2', mqttPasswordHash: 'm2', createdAt: 't2' });
    expect(s.getNodeCredentials('edge-1')?.mqttPasswordHash).toBe('m2');
    s.deleteNodeCredentials('edge-1');
    expect(s.getNodeCredentials('edge-1')).toBeUndefined();
    // Credentials are not objects: they do not move the resourceVersion.
    expect(s.currentResourceVersion()).toBe(0);
  });
});
