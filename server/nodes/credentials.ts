import { createHash, pbkdf2, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Node passwords are hashed with PBKDF2-SHA256 on libuv's thread pool: a join costs ~20 ms of CPU
 * off the event loop and no memory to speak of. (scrypt, used before, needs 16 MB per hash, and
 * glibc kept that resident in each of the pool's threads: 64 MB of a server's RSS.) Hashes written
 * by earlier versions ("scrypt$…") still verify.
 */
const pbkdf2Iterations = 100_000;

function pbkdf2Async(password: string, salt: Buffer, iterations: number, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => pbkdf2(password, salt, iterations, length, 'sha256', (err, key) => (err ? reject(err) : resolve(key))));
}

function scryptAsync(password: string, salt: Buffer, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, length, (err, key) => (err ? reject(err) : resolve(key))));
}

/** "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>". */
export async function hashPassword(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  const hash = await pbkdf2Async(password, salt, pbkdf2Iterations, 32);
  return `pbkdf2-sha256$${pbkdf2Iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  let want: Buffer;
  let got: Buffer;
  if (parts[0] === 'pbkdf2-sha256' && parts.length === 4) {
    const iterations = Number(parts[1]);
    if (!Number.isSafeInteger(iterations) || iterations < 1 || !parts[2] || !parts[3]) return false;
    want = Buffer.from(parts[3], 'base64');
    got = await pbkdf2Async(password, Buffer.from(parts[2], 'base64'), iterations, want.length);
  } else if (parts[0] === 'scrypt' && parts.length === 3 && parts[1] && parts[2]) {
    want = Buffer.from(parts[2], 'base64');
    got = await scryptAsync(password, Buffer.from(parts[1], 'base64'), want.length);
  } else return false;
  return want.length > 0 && got.length === want.length && timingSafeEqual(got, want);
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
