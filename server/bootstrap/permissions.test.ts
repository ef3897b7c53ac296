import { chmodSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkPermissions, ensurePrivateFile, serverPrivatePaths } from './permissions.js';

const modeOf = (p: string) => statSync(p).mode & 0o777;

describe('server file permissions at start', () => {
  it('warns about every secret or directory looser than it should be, naming it, and tightens it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kedge-perm-'));
    mkdirSync(join(dir, 'tls'), { mode: 0o755 });
    mkdirSync(join(dir, 'db'), { mode: 0o700 });
    writeFileSync(join(dir, 'token'), 'K10…', { mode: 0o644 });
    writeFileSync(join(dir, 'admin-token'), 'x', { mode: 0o600 });
    writeFileSync(join(dir, 'tls', 'ca.key'), 'key', { mode: 0o640 });
    writeFileSync(join(dir, 'tls', 'ca.crt'), 'cert', { mode: 0o644 }); // public: not checked
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'tls'), 0o755);
    chmodSync(join(dir, 'token'), 0o644);
    chmodSync(join(dir, 'tls', 'ca.key'), 0o640);
    const logs: string[] = [];
    const warnings = checkPermissions(serverPrivatePaths(dir), (m) => logs.push(m));
    expect(warnings).toEqual([
      `warning: ${dir} has mode 0755, looser than 0700 (other users could read it); setting 0700`,
      `warning: ${join(dir, 'tls')} has mode 0755, looser than 0700 (other users could read it); setting 0700`,
      `warning: ${join(dir, 'token')} has mode 0644, looser than 0600 (other users could read it); setting 0600`,
      `warning: ${join(dir, 'tls', 'ca.key')} has mode 0640, looser than 0600 (other users could read it); setting 0600`,
    ]);
    expect(logs).toEqual(warnings);
    expect([modeOf(dir), modeOf(join(dir, 'tls')), modeOf(join(dir, 'token')), modeOf(join(dir, 'tls', 'ca.key'))]).toEqual([0o700, 0o700, 0o600, 0o600]);
    expect(modeOf(join(dir, 'tls', 'ca.crt'))).toBe(0o644);
    expect(checkPermissions(serverPrivatePaths(dir), () => undefined)).toEqual([]); // quiet once fixed
  });

  it('is quiet on a first start (nothing there yet) and leaves symlinks alone', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kedge-perm-')), 'server');
    expect(checkPermissions(serverPrivatePaths(dir), () => undefined)).toEqual([]);
    mkdirSync(dir, { mode: 0o700 });
    const elsewhere = join(dir, '..', 'shared-token');
    writeFileSync(elsewhere, 'x', { mode: 0o644 });
    chmodSync(elsewhere, 0o644);
    symlinkSync(elsewhere, join(dir, 'token'));
    expect(checkPermissions(serverPrivatePaths(dir), () => undefined)).toEqual([]);
    expect(modeOf(elsewhere)).toBe(0o644);
  });

  it('ensurePrivateFile makes SQLite create the database, its WAL and shared memory 0600', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'kedge-perm-')), 'db', 'state.db');
    ensurePrivateFile(db);
    const conn = new Database(db);
    conn.pragma('journal_mode = WAL');
    conn.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    expect([modeOf(db), modeOf(`${db}-wal`), modeOf(`${db}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    expect(modeOf(join(db, '..'))).toBe(0o700);
    conn.close();
  });
});
