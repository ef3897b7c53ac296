import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatJoinToken } from '../../shared/token.js';
import { openStore } from '../store/store.js';
import { createJoinTokens } from './join-tokens.js';

const caPem = '-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n';
const bootstrap = formatJoinToken(caPem, 'b'.repeat(64));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-tokens-'));
  dirs.push(dir);
  let t = Date.parse('2024-05-01T00:00:00Z');
  const store = openStore(':memory:');
  const tokens = createJoinTokens({ store, caPem, bootstrapToken: bootstrap, tokenFile: join(dir, 'token'), now: () => new Date(t) });
  return { tokens, store, dir, advance: (ms: number) => void (t += ms) };
}

describe('join tokens', () => {
  it('accepts the bootstrap token and created tokens; lists them without secrets', () => {
    const s = setup();
    expect(s.tokens.verify(bootstrap)).toBe(true);
    const made = s.tokens.create({ description: 'rack 2' });
    expect(made.token).toMatch(/^K10[0-9a-f]{64}::node:[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(s.tokens.verify(made.token)).toBe(true);
    const listed = s.tokens.list();
    expect(listed.map((t) => t.id)).toEqual(['bootstrap', made.id]);
    expect(JSON.stringify(listed)).not.toContain(made.token.split('.')[1]);
    expect(s.store.joinTokens.get(made.id)!.secretHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses expired, deleted, forged and malformed tokens', () => {
    const s = setup();
    const short = s.tokens.create({ ttlSeconds: 60 });
    const kept = s.tokens.create({});
    s.advance(61_000);
    expect(s.tokens.verify(short.token)).toBe(false);
    expect(s.tokens.list().find((t) => t.id === short.id)?.expired).toBe(true);
    expect(s.tokens.verify(kept.token)).toBe(true);
    s.tokens.delete(kept.id);
    expect(s.tokens.verify(kept.token)).toBe(false);
    const wrongSecret = kept.token.replace(/\.[a-z0-9]{16}$/, '.0000000000000000');
    expect(s.tokens.verify(wrongSecret)).toBe(false);
    const otherCa = formatJoinToken('another CA', kept.token.split('::node:')[1]!);
    expect(s.tokens.verify(otherCa)).toBe(false);
    expect(s.tokens.verify('nonsense')).toBe(false);
    expect(() => s.tokens.delete(kept.id)).toThrow(`join token "${kept.id}" not found`);
    expect(() => s.tokens.delete('bootstrap')).toThrow(/kedge token rotate/);
  });

  it('rotate replaces the bootstrap secret and rewrites the token file (0600)', () => {
    const s = setup();
    const next = s.tokens.rotate();
    expect(next.token).not.toBe(bootstrap);
    expect(s.tokens.verify(bootstrap)).toBe(false);
    expect(s.tokens.verify(next.token)).toBe(true);
    expect(s.tokens.bootstrapToken).toBe(next.token);
    expect(readFileSync(join(s.dir, 'token'), 'utf8')).toBe(`${next.token}\n`);
    expect(statSync(join(s.dir, 'token')).mode & 0o777).toBe(0o600);
  });
});
