import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** On libuv's thread pool: ~30 ms of CPU per join must not stall the API and broker (a fleet joins by thousands). */
function scryptAsync(password: string, salt: Buffer, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, length, (err, key) => (err ? reject(err) : resolve(key))));
}

/** scrypt for node passwords: they are chosen once and checked only at join, so a slow hash costs nothing. */
export async function hashPassword(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  const hash = await scryptAsync(password, salt, 32);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const want = Buffer.from(hash, 'base64');
  const got = await scryptAsync(password, Buffer.from(salt, 'base64'), want.length);
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
