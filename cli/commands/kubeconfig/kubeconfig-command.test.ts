import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseArgs } from '../../flags/args.js';
import { kubeconfigCommand, kubeconfigFromDataDir, renderKubeconfig } from './kubeconfig-command.js';
import { mergeKubeconfigs, resolveConnection } from '../../connection/kubeconfig.js';

const caPem = '-----BEGIN CERTIFICATE-----\nMIIBkedge\n-----END CERTIFICATE-----\n';
const args = (argv: string[]) => parseArgs(argv, kubeconfigCommand.flags, { command: 'kedge kubeconfig' });

describe('renderKubeconfig', () => {
  it('writes a standard kubeconfig that resolves back to the same server, CA and token', () => {
    const text = renderKubeconfig({ server: 'https://pi:6443', caPem, token: 'adm1n' });
    const doc = parse(text);
    expect(doc).toMatchObject({ apiVersion: 'v1', kind: 'Config', 'current-context': 'kedge' });
    const c = resolveConnection(mergeKubeconfigs([{ path: 'k.yaml', text }]), undefined, () => '');
    expect(c.client).toEqual({ server: 'https://pi:6443', ca: caPem, token: 'adm1n' });
  });
});

describe('kubeconfigFromDataDir', () => {
  it('reads tls/ca.crt and admin-token from the data dir', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kedge-kc-'));
    await mkdir(path.join(dir, 'tls'));
    await writeFile(path.join(dir, 'tls', 'ca.crt'), caPem);
    await writeFile(path.join(dir, 'admin-token'), 'tok3n\n');
    const text = kubeconfigFromDataDir(args(['--server', 'https://pi.local:6443', '--data-dir', dir, '--name', 'garage']), { isRoot: false, home: '/h', cwd: '/' });
    const c = resolveConnection(mergeKubeconfigs([{ path: 'k.yaml', text }]), 'garage', () => '');
    expect(c.client).toEqual({ server: 'https://pi.local:6443', ca: caPem, token: 'tok3n' });
  });

  it('names the missing file and the missing flag', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kedge-kc-'));
    expect(() => kubeconfigFromDataDir(args(['--server', 'https://pi:6443', '--data-dir', dir]), { isRoot: false, home: '/h', cwd: '/' })).toThrow(
      `CA certificate ${path.join(dir, 'tls', 'ca.crt')}: not found`,
    );
    expect(() => kubeconfigFromDataDir(args(['--data-dir', dir]), { isRoot: false, home: '/h', cwd: '/' })).toThrow('--server is required');
    expect(() => kubeconfigFromDataDir(args(['--server', 'pi:6443']), { isRoot: false, home: '/h', cwd: '/' })).toThrow(/--server/);
  });
});
