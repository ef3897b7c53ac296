import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KedgeError } from '../../shared/errors.js';
import { tightenMode } from '../bootstrap/private-file.js';
import { createCa, issueServerCert } from './issue.js';
import { localAddresses } from './local-addresses.js';
import { missingSans, parseSubjectAltName, wantedSans, type SanSet } from './sans.js';
import { writeFileAtomicSync } from '../../shared/atomic-file.js';

/** The cluster CA and the server certificate, all PEM. */
export interface Pki {
  caPem: string;
  caKeyPem: string;
  certPem: string;
  keyPem: string;
}

export interface PkiOptions {
  /** Directory holding ca.crt, ca.key, server.crt, server.key. */
  dir: string;
  /** This host's name; goes into the server certificate. */
  hostname: string;
  /** Extra names from --tls-san (IP or DNS). */
  sans: string[];
  now?: () => Date;
  log?: (m: string) => void;
  /** Defaults to this host's interfaces; tests pass their own. */
  addresses?: () => string[];
}

const renewBeforeMs = 30 * 24 * 60 * 60 * 1000;

/**
 * Creates the CA and server certificate on the first call and reuses them afterwards. The server
 * certificate is re-issued with the same CA when it lacks a wanted name, expires within 30 days,
 * or no longer matches its key or the CA. ca.crt is written last: its presence means the CA exists
 * (join tokens carry its hash), so it is never silently replaced.
 */
export async function ensurePki(opts: PkiOptions): Promise<Pki> {
  const now = (opts.now ?? (() => new Date()))();
  const log = opts.log;
  const path = (name: string) => join(opts.dir, name);
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  tightenMode(opts.dir, 0o700, log);

  const want = wantedSans(opts.hostname, opts.sans, (opts.addresses ?? localAddresses)(), log);

  let caPem: string;
  let caKeyPem: string;
  if (existsSync(path('ca.crt'))) {
    if (!existsSync(path('ca.key'))) {
      throw new KedgeError('Invalid', `${path('ca.key')}: missing while ${path('ca.crt')} exists; restore the CA key (or delete both to create a new CA, which invalidates every join token and node)`);
    }
    tightenMode(path('ca.key'), 0o600, log);
    caPem = readFileSync(path('ca.crt'), 'utf8');
    caKeyPem = readFileSync(path('ca.key'), 'utf8');
    checkCa(caPem, caKeyPem, path('ca.crt'), now, log);
  } else {
    log?.(`creating a new cluster CA in ${opts.dir}`);
    ({ certPem: caPem, keyPem: caKeyPem } = await createCa(now));
    writeFileAtomicSync(path('ca.key'), caKeyPem, 0o600);
    writeFileAtomicSync(path('ca.crt'), caPem, 0o644);
  }

  let certPem = existsSync(path('server.crt')) ? readFileSync(path('server.crt'), 'utf8') : '';
  let keyPem = existsSync(path('server.key')) ? readFileSync(path('server.key'), 'utf8') : '';
  if (keyPem) tightenMode(path('server.key'), 0o600, log);
  const reason = certPem && keyPem ? reissueReason(certPem, keyPem, caPem, want, now) : 'it does not exist yet';
  if (reason) {
    log?.(`issuing the server certificate: ${reason}`);
    ({ certPem, keyPem } = await issueServerCert({ certPem: caPem, keyPem: caKeyPem }, want, now));
    writeFileAtomicSync(path('server.key'), keyPem, 0o600);
    writeFileAtomicSync(path('server.crt'), certPem, 0o644);
  }
  return { caPem, caKeyPem, certPem, keyPem };
}

function checkCa(caPem: string, caKeyPem: string, file: string, now: Date, log?: (m: string) => void): void {
  let ca: X509Certificate;
  try {
    ca = new X509Certificate(caPem);
    if (!ca.checkPrivateKey(createPrivateKey(caKeyPem))) throw new Error('ca.key does not belong to this certificate');
  } catch (e) {
    throw new KedgeError('Invalid', `${file}: unusable CA: ${(e as Error).message}`, { cause: e });
  }
  if (!ca.ca) throw new KedgeError('Invalid', `${file}: not a CA certificate (basicConstraints CA:true missing)`);
  const left = Date.parse(ca.validTo) - now.getTime();
  if (left <= 0) log?.(`warning: ${file} expired on ${ca.validTo}; nodes will refuse the server until a new CA is created`);
  else if (left < 365 * 24 * 60 * 60 * 1000) log?.(`warning: ${file} expires on ${ca.validTo}`);
}

/** Why the server certificate must be re-issued, or null when it is still good. */
function reissueReason(certPem: string, keyPem: string, caPem: string, want: SanSet, now: Date): string | null {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return 'server.key does not match server.crt';
  } catch (e) {
    return `the existing files are unreadable (${(e as Error).message})`;
  }
  const ca = new X509Certificate(caPem);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'it was not signed by the current CA';
  const expires = Date.parse(cert.validTo);
  if (expires - now.getTime() < renewBeforeMs) return `it expires on ${cert.validTo}`;
  const missing = missingSans(parseSubjectAltName(cert.subjectAltName), want);
  if (missing.length) return `it lacks ${missing.join(', ')}`;
  return null;
}
