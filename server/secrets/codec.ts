import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { KedgeError } from '../../shared/errors.js';
import type { KObject } from '../../shared/meta.js';
import type { ObjectCodec, RowKey } from '../store/types.js';
import { secretsKeyBytes } from './key.js';

/** What a stored encrypted Secret starts with; plain rows start with "{". */
const prefix = 'kedge:aes256gcm:v1:';
const ivBytes = 12;
const tagBytes = 16;

/** Eight hex digits naming a key, so a wrong key file is reported as such. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** Binds a ciphertext to its row: a Secret copied into another row fails to decrypt. */
function aad(key: RowKey): Buffer {
  return Buffer.from(`${key.kind}/${key.namespace}/${key.name}`);
}

/**
 * The store codec that encrypts Secrets with AES-256-GCM (a fresh 96-bit nonce per write) and
 * leaves every other kind as plain JSON. Rows written before encryption existed still read.
 */
export function createSecretCodec(key: Buffer, o: { random?: (n: number) => Buffer } = {}): ObjectCodec {
  if (key.length !== secretsKeyBytes) throw new KedgeError('InternalError', `the Secret encryption key must be ${secretsKeyBytes} bytes, got ${key.length}`);
  const random = o.random ?? randomBytes;
  const id = keyId(key);
  return {
    encode(obj, row) {
      const json = JSON.stringify(obj);
      if (row.kind !== 'Secret') return json;
      const iv = random(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad(row));
      const sealed = Buffer.concat([iv, cipher.update(json, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${prefix}${id}:${sealed.toString('base64')}`;
    },
    decode(text, row) {
      if (!text.startsWith(prefix)) return JSON.parse(text) as KObject;
      const what = `${row.kind} ${row.namespace}/${row.name}`;
      const rest = text.slice(prefix.length);
      const colon = rest.indexOf(':');
      const storedId = rest.slice(0, colon);
      if (colon < 0 || storedId !== id) {
        throw new KedgeError('InternalError', `cannot decrypt ${what}: it was encrypted with key ${storedId || '?'} but secrets.key in the server's data directory is key ${id}; restore the original key file`);
      }
      const sealed = Buffer.from(rest.slice(colon + 1), 'base64');
      if (sealed.length < ivBytes + tagBytes) throw new KedgeError('InternalError', `cannot decrypt ${what}: the stored value is truncated`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, ivBytes));
        decipher.setAAD(aad(row));
        decipher.setAuthTag(sealed.subarray(sealed.length - tagBytes));
        const plain = Buffer.concat([decipher.update(sealed.subarray(ivBytes, sealed.length - tagBytes)), decipher.final()]);
        return JSON.parse(plain.toString('utf8')) as KObject;
      } catch (e) {
        throw new KedgeError('InternalError', `cannot decrypt ${what}: the stored value was altered or belongs to another row (${(e as Error).message})`, { cause: e });
      }
    },
  };
}
