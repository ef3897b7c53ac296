import { describe, expect, it } from 'vitest';
import { parseArgs } from '../flags/args.js';
import { connectionFlags, kubeconfigCandidates, loadConnection, mergeKubeconfigs, resolveConnection } from './kubeconfig.js';

const caPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const b64 = Buffer.from(caPem).toString('base64');

const fileA = `apiVersion: v1
kind: Config
current-context: pi
clusters:
- name: pi
  cluster: {server: "https://pi:6443", certificate-authority-data: ${b64}}
- name: shared
  cluster: {server: "https://from-a:6443"}
contexts:
- name: pi
  context: {cluster: pi, user: admin, namespace: edge}
- name: other
  context: {cluster: shared, user: filer}
users:
- name: admin
  user: {token: secret-a}
- name: filer
  user: {tokenFile: tokens/t}
`;
const fileB = `current-context: lab
clusters:
- name: shared
  cluster: {server: "https://from-b:6443", certificate-authority: ca/lab.crt, insecure-skip-tls-verify: true}
- name: lab
  cluster: {server: "https://lab:6443", insecure-skip-tls-verify: true}
contexts:
- name: lab
  context: {cluster: lab, user: certs}
- name: broken
  context: {cluster: nowhere, user: admin}
users:
- name: certs
  user: {client-certificate-data: abc}
`;

const files: Record<string, string> = {
  '/home/u/a.yaml': fileA,
  '/etc/b.yaml': fileB,
  '/home/u/tokens/t': 'secret-from-file\n',
  '/etc/ca/lab.crt': caPem,
};
const readFile = (f: string) => {
  if (f in files) return files[f]!;
  throw Object.assign(new Error(`ENOENT: ${f}`), { code: 'ENOENT' });
};
const args = (argv: string[] = []) => parseArgs(argv, connectionFlags, { command: 'kedge get' });
const host = (env: Record<string, string> = {}, isRoot = false) => ({ env, cwd: '/home/u', home: '/home/u', isRoot });

describe('mergeKubeconfigs and resolveConnection', () => {
  const merged = mergeKubeconfigs([{ path: '/home/u/a.yaml', text: fileA }, { path: '/etc/b.yaml', text: fileB }]);

  it('lets the first file win for current-context and same-named entries', () => {
    expect(merged.currentContext?.value).toBe('pi');
    expect(merged.clusters.get('shared')?.value.server).toBe('https://from-a:6443');
    expect(merged.clusters.has('lab')).toBe(true);
  });

  it('resolves the current context: server, CA data, token, namespace', () => {
    expect(resolveConnection(merged, undefined, readFile)).toEqual({
      client: { server: 'https://pi:6443', ca: caPem, token: 'secret-a' },
      context: 'pi',
      namespace: 'edge',
      files: ['/home/u/a.yaml', '/etc/b.yaml'],
    });
  });

  it('reads tokenFile and certificate-authority relative to the file defining them', () => {
    const m = mergeKubeconfigs([{ path: '/etc/b.yaml', text: fileB }, { path: '/home/u/a.yaml', text: fileA }]);
    const c = resolveConnection(m, 'other', readFile);
    expect(c.client).toEqual({ server: 'https://from-b:6443', ca: caPem, insecure: true, token: 'secret-from-file' });
  });

  it('names the missing context, cluster or user and the files', () => {
    expect(() => resolveConnection(merged, 'nope', readFile)).toThrow('context "nope" not found in kubeconfig /home/u/a.yaml, /etc/b.yaml (contexts: pi, other, lab, broken)');
    expect(() => resolveConnection(merged, 'broken', readFile)).toThrow('context "broken" in /etc/b.yaml refers to cluster "nowhere", which is not defined');
    expect(() => resolveConnection(merged, 'lab', readFile)).toThrow('user "certs" in /etc/b.yaml uses a client certificate');
    const none = mergeKubeconfigs([{ path: '/x.yaml', text: 'contexts: []\n' }]);
    expect(() => resolveConnection(none, undefined, readFile)).toThrow('kubeconfig /x.yaml has no current-context; pass --context');
  });

  it('names a file that is not a kubeconfig', () => {
    expect(() => mergeKubeconfigs([{ path: '/bad.yaml', text: 'clusters: [a\n' }])).toThrow(/^kubeconfig \/bad\.yaml: not valid YAML/);
    expect(() => mergeKubeconfigs([{ path: '/bad.yaml', text: 'clusters: {a: 1}\n' }])).toThrow('kubeconfig /bad.yaml: clusters must be a list');
    expect(() => mergeKubeconfigs([{ path: '/bad.yaml', text: 'users: [{user: {}}]\n' }])).toThrow('kubeconfig /bad.yaml: users[0] has no name');
  });
});

describe('kubeconfigCandidates', () => {
  it('prefers --kubeconfig, then KUBECONFIG, then the server file, then ~/.kube/config', () => {
    expect(kubeconfigCandidates(args(['--kubeconfig', 'k.yaml']), host({ KUBECONFIG: '/x' }))).toEqual({ paths: ['/home/u/k.yaml'], mode: 'flag' });
    expect(kubeconfigCandidates(args(), host({ KUBECONFIG: '/a:/b' }))).toEqual({ paths: ['/a', '/b'], mode: 'env' });
    expect(kubeconfigCandidates(args(), host({}, true)).paths).toEqual(['/var/lib/kedge/server/kedge.yaml', '/home/u/.kube/config']);
    expect(kubeconfigCandidates(args(), host()).paths).toEqual(['/home/u/.kedge/server/kedge.yaml', '/home/u/.kube/config']);
  });
});

describe('loadConnection', () => {
  it('merges the KUBECONFIG list, skipping missing files', () => {
    const c = loadConnection(args(['--context', 'other']), host({ KUBECONFIG: '/missing.yaml:/etc/b.yaml:/home/u/a.yaml' }), readFile);
    expect(c.files).toEqual(['/etc/b.yaml', '/home/u/a.yaml']);
    // Cluster "shared" comes from b (first), user "filer" from a, its tokenFile relative to a.
    expect(c.client).toEqual({ server: 'https://from-b:6443', ca: caPem, insecure: true, token: 'secret-from-file' });
    expect(() => loadConnection(args(), host({ KUBECONFIG: '/etc/b.yaml:/home/u/a.yaml' }), readFile)).toThrow('user "certs"');
  });

  it('honours --context', () => {
    const c = loadConnection(args(['--kubeconfig', '/home/u/a.yaml', '--context', 'other']), host(), readFile);
    expect(c.client.server).toBe('https://from-a:6443');
  });

  it('names a missing --kubeconfig file', () => {
    expect(() => loadConnection(args(['--kubeconfig', '/nope/k.yaml']), host(), readFile)).toThrow('kubeconfig /nope/k.yaml: file not found');
  });

  it('says which files it tried when there is none', () => {
    expect(() => loadConnection(args(), host(), readFile)).toThrow('no kubeconfig found: tried /home/u/.kedge/server/kedge.yaml, /home/u/.kube/config');
    expect(() => loadConnection(args(), host({ KUBECONFIG: '/a:/b' }), readFile)).toThrow('none of the files in KUBECONFIG exist (/a, /b)');
  });

  it('explains a root-only file', () => {
    const denied = () => {
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    };
    expect(() => loadConnection(args(), host({}, true), denied)).toThrow('kubeconfig /var/lib/kedge/server/kedge.yaml: permission denied');
  });
});
