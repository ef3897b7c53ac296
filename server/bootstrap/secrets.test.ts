import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { caMatches, parseJoinToken } from '../../shared/token.js';
import { ensureSecrets } from './secrets.js';

const caA = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
const caB = '-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kedge-secrets-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const mode = (p: string) => statSync(p).mode & 0o777;

describe('ensureSecrets', () => {
  it('creates a join token for the CA and an admin token, both 0600', () => {
    const dir = tempDir();
    const s = ensureSecrets(dir, caA);
    const parsed = parseJoinToken(s.joinToken);
    expect(caMatches(parsed, caA)).toBe(true);
    expect(caMatches(parsed, caB)).toBe(false);
    expect(parsed.secret).toBe(s.joinSecret);
    expect(s.joinSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(s.adminToken).toMatch(/^[0-9a-f]{64}$/);
    expect(s.adminToken).not.toBe(s.joinSecret);
    expect(readFileSync(join(dir, 'token'), 'utf8').trim()).toBe(s.joinToken);
    expect(readFileSync(join(dir, 'admin-token'), 'utf8').trim()).toBe(s.adminToken);
    expect(mode(join(dir, 'token'))).toBe(0o600);
    expect(mode(join(dir, 'admin-token'))).toBe(0o600);
  });

  it('uses the randomness it is given', () => {
    let n = 0;
    const s = ensureSecrets(tempDir(), caA, (bytes) => Buffer.alloc(bytes, ++n));
    expect(s.joinSecret).toBe('01'.repeat(32));
    expect(s.adminToken).toBe('02'.repeat(32));
  });

  it('reuses the stored secrets on later calls', () => {
    const dir = tempDir();
    const first = ensureSecrets(dir, caA);
    const second = ensureSecrets(dir, caA, () => {
      throw new Error('must not generate again');
    });
    expect(second).toEqual(first);
  });

  it('re-derives the CA hash but keeps the secret when the CA changed', () => {
    const dir = tempDir();
    const first = ensureSecrets(dir, caA);
    const logs: string[] = [];
    const second = ensureSecrets(dir, caB, undefined, (m) => logs.push(m));
    expect(second.joinSecret).toBe(first.joinSecret);
    expect(second.adminToken).toBe(first.adminToken);
    expect(caMatches(parseJoinToken(second.joinToken), caB)).toBe(true);
    expect(readFileSync(join(dir, 'token'), 'utf8').trim()).toBe(second.joinToken);
    expect(logs.join()).toMatch(/CA changed/);
  });

  it('tightens loose modes and refuses malformed files, naming them', () => {
    const dir = tempDir();
    ensureSecrets(dir, caA);
    chmodSync(join(dir, 'token'), 0o644);
    ensureSecrets(dir, caA);
    expect(mode(join(dir, 'token'))).toBe(0o600);

    writeFileSync(join(dir, 'token'), 'garbage\n');
    expect(() => ensureSecrets(dir, caA)).toThrow(/token: not a kedge join token/);
    rmSync(join(dir, 'token'));
    writeFileSync(join(dir, 'admin-token'), 'short\n');
    expect(() => ensureSecrets(dir, caA)).toThrow(/admin-token: the admin token must be/);
  });
});
