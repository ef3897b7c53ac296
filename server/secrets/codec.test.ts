import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Secret } from '../../shared/configmap.js';
import type { KObject } from '../../shared/meta.js';
import { openStore } from '../store/store.js';
import { createSecretCodec, keyId } from './codec.js';
import { ensureSecretsKey, secretsKeyPath } from './key.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'kedge-secrets-'));
  dirs.push(d);
  return d;
}

const plaintext = 'hunter2-very-secret';
const secret = (name = 'db', value = plaintext): KObject =>
  ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, data: { apiToken: Buffer.from(value).toString('base64') } }) as KObject;
const row = { kind: 'Secret', namespace: 'default', name: 'db' };

describe('secrets key', () => {
  it('is generated once, 0600, and read back unchanged', () => {
    const dir = tmp();
    const a = ensureSecretsKey(dir);
    expect(a).toHaveLength(32);
    expect(statSync(secretsKeyPath(dir)).mode & 0o777).toBe(0o600);
    expect(ensureSecretsKey(dir).equals(a)).toBe(true);
  });

  it('refuses a damaged key file instead of replacing it', () => {
    const dir = tmp();
    ensureSecretsKey(dir);
    const path = secretsKeyPath(dir);
    writeFileSync(path, 'not-a-key\n', { mode: 0o600 });
    expect(() => ensureSecretsKey(dir)).toThrow(/secrets\.key: expected 32 bytes of base64/);
    expect(readFileSync(path, 'utf8')).toBe('not-a-key\n');
  });
});

describe('secret codec', () => {
  const key = Buffer.alloc(32, 7);

  it('round-trips a Secret and leaves other kinds as JSON', () => {
    const codec = createSecretCodec(key);
    const text = codec.encode(secret(), row);
    expect(text).toMatch(/^kedge:aes256gcm:v1:[0-9a-f]{8}:/);
    expect(text).not.toContain(Buffer.from(plaintext).toString('base64'));
    expect(codec.decode(text, row)).toEqual(secret());
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } } as KObject;
    expect(codec.encode(cm, { kind: 'ConfigMap', namespace: 'default', name: 'c' })).toBe(JSON.stringify(cm));
  });

  it('uses a fresh nonce per write', () => {
    const codec = createSecretCodec(key);
    expect(codec.encode(secret(), row)).not.toBe(codec.encode(secret(), row));
  });

  it('reads rows stored before encryption existed', () => {
    const codec = createSecretCodec(key);
    expect(codec.decode(JSON.stringify(secret()), row)).toEqual(secret());
  });

  it('names a wrong key file, and refuses a ciphertext moved to another row or altered', () => {
    const text = createSecretCodec(key).encode(secret(), row);
    expect(() => createSecretCodec(Buffer.alloc(32, 8)).decode(text, row)).toThrow(
      new RegExp(`encrypted with key ${keyId(key)} but secrets.key .* is key ${keyId(Buffer.alloc(32, 8))}`),
    );
    expect(() => createSecretCodec(key).decode(text, { ...row, name: 'other' })).toThrow(/altered or belongs to another row/);
    const flipped = text.slice(0, -6) + (text.at(-6) === 'A' ? 'B' : 'A') + text.slice(-5);
    expect(() => createSecretCodec(key).decode(flipped, row)).toThrow(/cannot decrypt Secret default\/db/);
  });

  it('keeps the plaintext out of the SQLite files while reads decrypt', () => {
    const dir = tmp();
    const key = ensureSecretsKey(dir);
    const path = join(dir, 'db', 'state.db');
    let store = openStore(path, { codec: createSecretCodec(key) });
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    store.create(secret());
    store.update({ ...secret(), metadata: { name: 'db', namespace: 'default', labels: { v: '2' } } });
    const b64 = Buffer.from(plaintext).toString('base64');
    const files = () => readdirSync(join(dir, 'db')).map((f) => readFileSync(join(dir, 'db', f)));
    // The WAL holds the fresh pages before a checkpoint; look at both, open and after close.
    for (const bytes of files()) {
      expect(bytes.includes(b64)).toBe(false);
      expect(bytes.includes(plaintext)).toBe(false);
      expect(bytes.includes('apiToken')).toBe(false); // key names are secret too
    }
    expect((store.get('Secret', 'default', 'db') as unknown as Secret).data?.apiToken).toBe(b64);
    store.close();
    for (const bytes of files()) expect(bytes.includes(b64)).toBe(false);
    store = openStore(path, { codec: createSecretCodec(key) });
    expect(store.list('Secret').items.map((s) => (s as unknown as Secret).data?.apiToken)).toEqual([b64]);
    store.close();
  });
});
