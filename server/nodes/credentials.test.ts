import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './credentials.js';

describe('node password hashes', () => {
  it('verifies what it hashed and refuses another password', async () => {
    const h = await hashPassword('a'.repeat(32));
    expect(h).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('a'.repeat(32), h)).toBe(true);
    expect(await verifyPassword('b'.repeat(32), h)).toBe(false);
  });

  it('still verifies scrypt hashes stored by earlier versions', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const old = `scrypt$${salt.toString('base64')}$${scryptSync('p'.repeat(32), salt, 32).toString('base64')}`;
    expect(await verifyPassword('p'.repeat(32), old)).toBe(true);
    expect(await verifyPassword('q'.repeat(32), old)).toBe(false);
  });

  it('refuses malformed stored hashes instead of throwing', async () => {
    for (const bad of ['', 'scrypt$', 'md5$a$b', 'pbkdf2-sha256$x$a$b', 'pbkdf2-sha256$0$a$b', 'pbkdf2-sha256$10$$', 'pbkdf2-sha256$10$YQ==$']) {
      expect(await verifyPassword('p'.repeat(32), bad)).toBe(false);
    }
  });
});
