import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ensurePki, type PkiOptions } from './ensure.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kedge-pki-'));
  dirs.push(d);
  return join(d, 'tls');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const fixedAddresses = () => ['127.0.0.1', '::1', '192.168.1.20', 'fd00::20'];
const opts = (dir: string, extra: Partial<PkiOptions> = {}): PkiOptions => ({
  dir,
  hostname: 'Edge-Pi',
  sans: [],
  addresses: fixedAddresses,
  ...extra,
});
const mode = (p: string) => statSync(p).mode & 0o777;
const dayMs = 24 * 60 * 60 * 1000;

describe('ensurePki', () => {
  it('creates a CA and a server certificate with every wanted SAN and the right modes', async () => {
    const dir = tempDir();
    const pki = await ensurePki(opts(dir, { sans: ['10.0.0.9', 'kedge.example.com', '2001:DB8::1'] }));
    const cert = new X509Certificate(pki.certPem);
    const san = cert.subjectAltName!;
    for (const want of ['DNS:edge-pi', 'DNS:localhost', 'DNS:kedge.example.com', 'IP Address:127.0.0.1', 'IP Address:192.168.1.20', 'IP Address:10.0.0.9']) {
      expect(san).toContain(want);
    }
    expect(san).toContain('IP Address:0:0:0:0:0:0:0:1');
    expect(san).toContain('IP Address:2001:DB8:0:0:0:0:0:1');
    expect(san).toContain('IP Address:FD00:0:0:0:0:0:0:20');

    const ca = new X509Certificate(pki.caPem);
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(cert.keyUsage ?? []).toContain('1.3.6.1.5.5.7.3.1'); // node lists extKeyUsage OIDs here

    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(pki.caPem);
    expect(mode(join(dir, 'ca.key'))).toBe(0o600);
    expect(mode(join(dir, 'server.key'))).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
  });

  it('uses the real local addresses by default', async () => {
    const pki = await ensurePki({ dir: tempDir(), hostname: 'node1', sans: [] });
    const san = new X509Certificate(pki.certPem).subjectAltName!;
    expect(san).toContain('IP Address:127.0.0.1');
    expect(san).toContain('DNS:node1');
  });

  it('reuses the same files on a second call', async () => {
    const dir = tempDir();
    const first = await ensurePki(opts(dir));
    const second = await ensurePki(opts(dir));
    expect(second).toEqual(first);
  });

  it('re-issues the server certificate with the same CA when a new SAN is wanted', async () => {
    const dir = tempDir();
    const logs: string[] = [];
    const first = await ensurePki(opts(dir));
    const second = await ensurePki(opts(dir, { sans: ['pi.lan'], log: (m) => logs.push(m) }));
    expect(second.caPem).toBe(first.caPem);
    expect(second.caKeyPem).toBe(first.caKeyPem);
    expect(second.certPem).not.toBe(first.certPem);
    expect(new X509Certificate(second.certPem).subjectAltName).toContain('DNS:pi.lan');
    expect(new X509Certificate(second.certPem).checkIssued(new X509Certificate(first.caPem))).toBe(true);
    expect(logs.join('\n')).toMatch(/lacks DNS:pi\.lan/);

    // A new local address triggers the same; a SAN no longer wanted does not.
    const third = await ensurePki(opts(dir, { sans: ['pi.lan'], addresses: () => [...fixedAddresses(), '10.1.1.1'] }));
    expect(new X509Certificate(third.certPem).subjectAltName).toContain('IP Address:10.1.1.1');
    const fourth = await ensurePki(opts(dir));
    expect(fourth.certPem).toBe(third.certPem);
  });

  it('re-issues the server certificate when fewer than 30 days remain, keeping the CA', async () => {
    const dir = tempDir();
    const start = new Date('2030-01-01T00:00:00Z');
    const first = await ensurePki(opts(dir, { now: () => start }));
    expect(new Date(new X509Certificate(first.certPem).validTo).getTime() - start.getTime()).toBeGreaterThan(364 * dayMs);
    expect(new Date(new X509Certificate(first.caPem).validTo).getTime() - start.getTime()).toBeGreaterThan(3649 * dayMs);

    const early = await ensurePki(opts(dir, { now: () => new Date(start.getTime() + 300 * dayMs) }));
    expect(early.certPem).toBe(first.certPem);
    const late = await ensurePki(opts(dir, { now: () => new Date(start.getTime() + 340 * dayMs) }));
    expect(late.certPem).not.toBe(first.certPem);
    expect(late.caPem).toBe(first.caPem);
  });

  it('re-issues a server certificate whose key was replaced', async () => {
    const dir = tempDir();
    const first = await ensurePki(opts(dir));
    const other = await ensurePki(opts(tempDir()));
    writeFileSync(join(dir, 'server.key'), other.keyPem, { mode: 0o600 });
    const again = await ensurePki(opts(dir));
    expect(again.certPem).not.toBe(first.certPem);
    expect(new X509Certificate(again.certPem).checkPrivateKey(createPrivateKey(again.keyPem))).toBe(true);
  });

  it('refuses to replace a CA whose key is missing', async () => {
    const dir = tempDir();
    await ensurePki(opts(dir));
    rmSync(join(dir, 'ca.key'));
    await expect(ensurePki(opts(dir))).rejects.toThrow(/ca\.key: missing/);
  });

  it('tightens a key file left world-readable', async () => {
    const dir = tempDir();
    await ensurePki(opts(dir));
    chmodSync(join(dir, 'ca.key'), 0o644);
    const logs: string[] = [];
    await ensurePki(opts(dir, { log: (m) => logs.push(m) }));
    expect(mode(join(dir, 'ca.key'))).toBe(0o600);
    expect(logs.join('\n')).toMatch(/ca\.key had mode 0644/);
  });

  it('rejects a --tls-san that is neither an IP nor a DNS name', async () => {
    await expect(ensurePki(opts(tempDir(), { sans: ['bad name!'] }))).rejects.toThrow(/--tls-san: "bad name!"/);
  });
});

describe('TLS with the issued certificates', () => {
  async function handshake(serverPki: { certPem: string; keyPem: string }, caPem: string): Promise<string> {
    const server = https.createServer({ cert: serverPki.certPem, key: serverPki.keyPem }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      return await new Promise<string>((resolve, reject) => {
        const req = https.get({ host: '127.0.0.1', port, path: '/', ca: caPem, servername: 'localhost', agent: false }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(body));
        });
        req.on('error', reject);
        req.setTimeout(5000, () => req.destroy(new Error('timeout')));
      });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }

  it('a client trusting the CA completes the handshake', async () => {
    const pki = await ensurePki(opts(tempDir()));
    await expect(handshake(pki, pki.caPem)).resolves.toBe('ok');
  });

  it('a client trusting another CA is refused', async () => {
    const pki = await ensurePki(opts(tempDir()));
    const other = await ensurePki(opts(tempDir()));
    await expect(handshake(pki, other.caPem)).rejects.toThrow(/self-signed|unable to verify|certificate/i);
  });
});
