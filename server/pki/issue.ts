import { KeyObject, createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { KedgeError } from '../../shared/errors.js';
import type { SanSet } from './sans.js';

/** A certificate and its private key, both PEM (key in PKCS#8). */
export interface KeyPairPem {
  certPem: string;
  keyPem: string;
}

const dayMs = 24 * 60 * 60 * 1000;
const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signingAlgorithm = { name: 'ECDSA', hash: 'SHA-256' } as const;
/** Backdated so nodes whose clocks lag (a Pi without an RTC before NTP syncs) still accept the certs. */
const backdateMs = dayMs;
export const caLifetimeMs = 3650 * dayMs;
export const serverLifetimeMs = 365 * dayMs;

/** The X.509 builder is loaded only when a certificate must be issued: later starts reuse the files and skip its memory. */
async function loadX509(): Promise<typeof X509> {
  await import('reflect-metadata'); // @peculiar/x509's DI container (tsyringe) requires the Reflect polyfill
  return import('@peculiar/x509');
}

const crypto = webcrypto as unknown as Crypto;

/** A new self-signed ECDSA P-256 CA, valid ten years. */
export async function createCa(now: Date): Promise<KeyPairPem> {
  const x509 = await loadX509();
  const keys = (await crypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial(),
      name: `CN=kedge-server-ca@${Math.floor(now.getTime() / 1000)}`,
      notBefore: new Date(now.getTime() - backdateMs),
      notAfter: new Date(now.getTime() + caLifetimeMs),
      keys,
      signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: pem(cert.toString('pem')), keyPem: exportKey(keys.privateKey) };
}

/** A server certificate for `sans`, signed by `ca`, valid a year (never past the CA's own expiry). */
export async function issueServerCert(ca: KeyPairPem, sans: SanSet, now: Date): Promise<KeyPairPem> {
  const x509 = await loadX509();
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  if (!caKeyId) throw new KedgeError('Invalid', 'ca.crt: the CA certificate has no subject key identifier; delete the tls directory to create a new CA');
  const caKey = await importCaKey(ca.keyPem);
  const keys = (await crypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notAfter = Math.min(now.getTime() + serverLifetimeMs, caCert.notAfter.getTime());
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject: 'CN=kedge, O=kedge',
      issuer: caCert.subjectName,
      notBefore: new Date(now.getTime() - backdateMs),
      notAfter: new Date(notAfter),
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        new x509.AuthorityKeyIdentifierExtension(caKeyId),
        new x509.SubjectAlternativeNameExtension([
          ...sans.dns.map((value) => ({ type: 'dns' as const, value })),
          ...sans.ips.map((value) => ({ type: 'ip' as const, value })),
        ]),
      ],
    },
    crypto,
  );
  return { certPem: pem(cert.toString('pem')), keyPem: exportKey(keys.privateKey) };
}

async function importCaKey(keyPem: string): Promise<CryptoKey> {
  try {
    const der = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
    return await crypto.subtle.importKey('pkcs8', der, ecdsa, false, ['sign']);
  } catch (e) {
    throw new KedgeError('Invalid', `ca.key: not an ECDSA P-256 private key: ${(e as Error).message}`, { cause: e });
  }
}

function exportKey(key: CryptoKey): string {
  return KeyObject.from(key as unknown as webcrypto.CryptoKey).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** 16 random bytes, high bit clear so the DER integer stays positive, first byte non-zero. */
function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex');
}

function pem(text: string): string {
  return text.replace(/\r\n/g, '\n').trimEnd() + '\n';
}
