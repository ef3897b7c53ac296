import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensurePki, type Pki } from '../pki/ensure.js';
import { renderKubeconfig, writeKubeconfig } from './kubeconfig.js';

const kubectlPresent = process.env.PATH?.split(':').some((d) => {
  try {
    return statSync(join(d, 'kubectl')).isFile();
  } catch {
    return false;
  }
}) ?? false;

function kubectl(args: string[], home: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // HOME points at the temp dir so kubectl's discovery cache never touches the real one
    execFile('kubectl', args, { env: { PATH: process.env.PATH, HOME: home }, timeout: 20_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

let dir: string;
let pki: Pki;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kedge-kubeconfig-'));
  pki = await ensurePki({ dir: join(dir, 'tls'), hostname: 'kedge-test', sans: [], addresses: () => ['127.0.0.1', '::1'] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kubeconfig', () => {
  it('renders a standard kubeconfig with the CA, server and token', () => {
    const doc = parse(renderKubeconfig({ server: 'https://10.0.0.1:6443', caPem: pki.caPem, token: 'abc123abc123abc123' }));
    expect(doc.apiVersion).toBe('v1');
    expect(doc.kind).toBe('Config');
    expect(doc['current-context']).toBe('kedge');
    expect(doc.clusters).toEqual([
      { name: 'kedge', cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority-data': Buffer.from(pki.caPem).toString('base64') } },
    ]);
    expect(doc.users).toEqual([{ name: 'kedge', user: { token: 'abc123abc123abc123' } }]);
    expect(doc.contexts).toEqual([{ name: 'kedge', context: { cluster: 'kedge', user: 'kedge' } }]);
    expect(Buffer.from(doc.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(pki.caPem);
  });

  it('uses a custom name for cluster, user and context', () => {
    const doc = parse(renderKubeconfig({ server: 'https://pi:6443', caPem: pki.caPem, token: 't0123456789abcdef', name: 'home' }));
    expect(doc['current-context']).toBe('home');
    expect(doc.contexts[0]).toEqual({ name: 'home', context: { cluster: 'home', user: 'home' } });
  });

  it('rejects bad input naming the field', () => {
    expect(() => renderKubeconfig({ server: 'http://x:6443', caPem: pki.caPem, token: 't' })).toThrow(/^server: /);
    expect(() => renderKubeconfig({ server: 'nope', caPem: pki.caPem, token: 't' })).toThrow(/^server: /);
    expect(() => renderKubeconfig({ server: 'https://x:6443', caPem: 'junk', token: 't' })).toThrow(/^caPem: /);
    expect(() => renderKubeconfig({ server: 'https://x:6443', caPem: pki.caPem, token: '' })).toThrow(/^token: /);
  });

  it('writes the file with mode 0600, replacing an older one', () => {
    const path = join(dir, 'kedge.yaml');
    writeKubeconfig(path, { server: 'https://a:6443', caPem: pki.caPem, token: 'first-token-0123456' });
    writeKubeconfig(path, { server: 'https://b:6443', caPem: pki.caPem, token: 'second-token-012345' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(parse(readFileSync(path, 'utf8')).users[0].user.token).toBe('second-token-012345');
  });

  it.skipIf(!kubectlPresent)('kubectl reads the token back', async () => {
    const path = join(dir, 'view.yaml');
    writeKubeconfig(path, { server: 'https://127.0.0.1:6443', caPem: pki.caPem, token: 'view-token-0123456789' });
    const out = await kubectl(['--kubeconfig', path, 'config', 'view', '--raw', '-o', 'jsonpath={.users[0].user.token}'], dir);
    expect(out).toBe('view-token-0123456789');
  });

  // kubectl verifies with Go's crypto/x509, stricter than OpenSSL about key usages and identifiers.
  it.skipIf(!kubectlPresent)('kubectl trusts the server certificate and sends the token', async () => {
    let auth: string | undefined;
    const server = https.createServer({ cert: pki.certPem, key: pki.keyPem }, (req, res) => {
      auth = req.headers.authorization;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const path = join(dir, 'live.yaml');
      writeKubeconfig(path, { server: `https://127.0.0.1:${port}`, caPem: pki.caPem, token: 'live-token-0123456789' });
      expect(await kubectl(['--kubeconfig', path, 'get', '--raw', '/healthz'], dir)).toBe('ok');
      expect(auth).toBe('Bearer live-token-0123456789');

      const other = await ensurePki({ dir: join(dir, 'other'), hostname: 'x', sans: [], addresses: () => ['127.0.0.1'] });
      writeKubeconfig(path, { server: `https://127.0.0.1:${port}`, caPem: other.caPem, token: 'live-token-0123456789' });
      await expect(kubectl(['--kubeconfig', path, 'get', '--raw', '/healthz'], dir)).rejects.toThrow(/certificate/i);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
