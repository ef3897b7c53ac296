import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const bin = fileURLToPath(new URL('../../bin/kedge.mjs', import.meta.url));

/** Runs the real entry point in a child process, without KEDGE_ variables or KUBECONFIG from the caller. */
function kedge(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('KEDGE_') && k !== 'KUBECONFIG') env[k] = v;
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { env: { ...env, ...opts.env }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(opts.input ?? '');
  });
}

describe('kedge CLI (child process)', () => {
  it('--help lists the commands and exits 0', async () => {
    const r = await kedge(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['server', 'agent', 'apply', 'get', 'delete', 'version', 'kubeconfig', 'help']) expect(r.stdout).toContain(`  ${c} `);
  });

  it('every command documents its flags with --help', async () => {
    const r = await kedge(['agent', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--token-file FILE\s+File holding the join token \(env KEDGE_TOKEN_FILE\)/);
  });

  it('an unknown command exits 2 and lists the commands', async () => {
    const r = await kedge(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: unknown command "frobnicate"; commands: server, agent, apply, get');
  });

  it('get with a missing kubeconfig names the file, without a stack trace', async () => {
    const missing = path.join(tmpdir(), 'kedge-no-such-dir', 'kedge.yaml');
    const r = await kedge(['get', 'nodes', '--kubeconfig', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: kubeconfig ${missing}: file not found\n`);
    const viaEnv = await kedge(['get', 'pods'], { env: { KUBECONFIG: missing } });
    expect(viaEnv.code).toBe(1);
    expect(viaEnv.stderr).toContain(missing);
  });

  it('a mistyped flag is an error naming the flag', async () => {
    const r = await kedge(['get', 'pods', '--outptu=wide']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown flag --outptu');
  });

  it('apply reports a YAML syntax error from stdin as FILE:LINE:COL', async () => {
    const r = await kedge(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: [x}\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: <stdin>:3:\d+: /);
  });

  it('kubeconfig renders a kubeconfig from a server data dir', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kedge-cli-'));
    await mkdir(path.join(dir, 'tls'));
    await writeFile(path.join(dir, 'tls', 'ca.crt'), '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n');
    await writeFile(path.join(dir, 'admin-token'), 'admintoken\n');
    const r = await kedge(['kubeconfig', '--server', 'https://pi.local:6443', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(parse(r.stdout)).toMatchObject({ clusters: [{ cluster: { server: 'https://pi.local:6443' } }], users: [{ user: { token: 'admintoken' } }] });
  });

  it('version prints the client version even when no server is configured', async () => {
    const r = await kedge(['version', '--kubeconfig', path.join(tmpdir(), 'kedge-none.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Client Version: v\d+\.\d+\.\d+\n$/);
    expect(r.stderr).toContain('Server Version: unavailable');
  });
});
