import { describe, expect, it } from 'vitest';
import type { CliIo } from './command.js';
import { commands, runCli } from './dispatch.js';

function fakeIo(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env,
    cwd: '/nowhere',
    home: '/nowhere/home',
    isRoot: false,
    hostname: 'test',
    now: () => 0,
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readStdin: async () => '',
    waitForStop: () => new Promise(() => {}),
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('runCli', () => {
  it('lists the commands with no arguments and on --help', async () => {
    for (const argv of [[], ['--help'], ['help']]) {
      const f = fakeIo();
      expect(await runCli(argv, f.io)).toBe(0);
      for (const name of ['server', 'agent', 'apply', 'get', 'delete', 'version', 'kubeconfig']) expect(f.out()).toContain(`  ${name} `);
    }
  });

  it('refuses an unknown command with exit 2, listing the commands', async () => {
    const f = fakeIo();
    expect(await runCli(['deploy'], f.io)).toBe(2);
    expect(f.err()).toContain(`error: unknown command "deploy"; commands: ${commands.map((c) => c.name).join(', ')}`);
    expect(f.err()).toMatch(/commands: server, agent, apply, get, delete, .*help/);
  });

  it('documents every command\'s flags with --help', async () => {
    const f = fakeIo();
    expect(await runCli(['server', '--help'], f.io)).toBe(0);
    expect(f.out()).toMatch(/--https-port PORT\s+API port \(default 6443; env KEDGE_HTTPS_PORT\)/);
    const g = fakeIo();
    expect(await runCli(['help', 'get'], g.io)).toBe(0);
    expect(g.out()).toMatch(/-o, --output FORMAT/);
  });

  it('prints a KedgeError as "error: message" with exit 1', async () => {
    const f = fakeIo();
    expect(await runCli(['get', 'pods', '--outptu', 'wide'], f.io)).toBe(1);
    expect(f.err()).toBe('error: unknown flag --outptu for "kedge get"; see "kedge get --help"\n');
    const g = fakeIo();
    expect(await runCli(['get', 'pods'], g.io)).toBe(1);
    expect(g.err()).toMatch(/^error: no kubeconfig found: tried \/nowhere\/home\/.kedge\/server\/kedge.yaml, \/nowhere\/home\/.kube\/config/);
  });

  it('prints the client version without a server', async () => {
    const f = fakeIo();
    expect(await runCli(['--version'], f.io)).toBe(0);
    expect(f.out()).toMatch(/^Client Version: v\d+\.\d+\.\d+\n$/);
  });
});
