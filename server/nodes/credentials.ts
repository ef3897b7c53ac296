import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** scrypt for node passwords: they are chosen once and checked only at join, so a slow hash costs nothing. */
export function hashPassword(password: string, salt: Buffer = randomBytes(16)): string {
  const hash = scryptSync(password, salt, 32);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const want = Buffer.from(hash, 'base64');
  const got = scryptSync(password, Buffer.from(salt, 'base64'), want.length);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** MQTT passwords are 32 random bytes, so sha256 is enough and keeps reconnect storms cheap. */
export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function secretEquals(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
