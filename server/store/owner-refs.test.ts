import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { KObject } from '../../shared/meta.js';
import { createSecretCodec } from '../secrets/codec.js';
import { migrate, migrations } from './schema.js';
import { openStore } from './store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), 'kedge-owners-'));
  dirs.push(d);
  return join(d, 'state.db');
}

const ref = (o: KObject) => ({ apiVersion: 'v1', kind: o.kind, name: o.metadata.name!, uid: o.metadata.uid! });
const names = (objs: KObject[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`);

describe('owner index', () => {
  it('answers what a uid owns, follows updates and deletes, and names owners that are gone', () => {
    const store = openStore(':memory:');
    const a = store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' } });
    const b = store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'default' } });
    const p = store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ownerReferences: [ref(a)] } });
    store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'q', namespace: 'default', ownerReferences: [ref(a), ref(b)] } });
    expect(names(store.ownedBy(a.metadata.uid!))).toEqual(['Pod/p', 'Pod/q']);
    expect(names(store.ownedBy(b.metadata.uid!))).toEqual(['Pod/q']);
    // A status write keeps the rows; a new owner list replaces them.
    store.update({ ...p, status: { phase: 'Running' } }, { subresource: 'status' });
    expect(names(store.ownedBy(a.metadata.uid!))).toEqual(['Pod/p', 'Pod/q']);
    store.update({ ...store.get('Pod', 'default', 'p')!, metadata: { ...p.metadata, resourceVersion: undefined, ownerReferences: [ref(b)] } });
    expect(names(store.ownedBy(a.metadata.uid!))).toEqual(['Pod/q']);
    expect(names(store.ownedBy(b.metadata.uid!))).toEqual(['Pod/p', 'Pod/q']);
    expect(store.missingOwners()).toEqual([]);
    store.delete('ConfigMap', 'default', 'b');
    expect(store.uidExists(b.metadata.uid!)).toBe(false);
    expect(store.uidExists(a.metadata.uid!)).toBe(true);
    expect(store.missingOwners()).toEqual([b.metadata.uid]);
    store.delete('Pod', 'default', 'p');
    store.delete('Pod', 'default', 'q');
    expect(store.missingOwners()).toEqual([]);
    expect(store.ownedBy(a.metadata.uid!)).toEqual([]);
    store.close();
  });

  it('fills the index when an older database is migrated, and indexes encrypted Secrets when the store opens', () => {
    const path = tempDb();
    const codec = createSecretCodec(randomBytes(32));
    const db = new Database(path);
    migrate(db, migrations.slice(0, 3));
    db.close();
    // Objects written before the index existed: open with the old schema by writing rows the way store.ts did.
    const old = new Database(path);
    const owner = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o', namespace: 'default', uid: 'u-owner' } };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u-pod', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u-owner' }] } };
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default', uid: 'u-secret', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u-owner' }] } };
    const insert = old.prepare('INSERT INTO objects (kind, namespace, name, uid, resource_version, data) VALUES (?, ?, ?, ?, ?, ?)');
    insert.run('ConfigMap', 'default', 'o', 'u-owner', 1, JSON.stringify(owner));
    insert.run('Pod', 'default', 'p', 'u-pod', 2, JSON.stringify(pod));
    insert.run('Secret', 'default', 's', 'u-secret', 3, codec.encode(secret as KObject, { kind: 'Secret', namespace: 'default', name: 's' }));
    old.close();
    const store = openStore(path, { codec });
    expect(names(store.ownedBy('u-owner'))).toEqual(['Pod/p', 'Secret/s']);
    store.close();
  });
});
