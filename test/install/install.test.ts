/**
 * install/install.sh in both roles, into a temp INSTALL_KEDGE_ROOT: the files and their modes,
 * the unit (checked by systemd-analyze), the env file, idempotence, start/restart without an
 * init system, and an uninstall that removes what it wrote and nothing else.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKedge, hasCommand, installScript, runInstall, tempDir, toolsDir, type InstallRun } from './harness.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const token = `K10${'ab'.repeat(32)}::node:0123456789abcdef0123`;
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

/** A fresh root, a fake kedge and a PATH without kubectl; returns paths and an env to start from. */
function setup(o: { fake?: Record<string, string>; hide?: string[] } = {}) {
  const dir = tempDir('t');
  dirs.push(dir);
  const root = join(dir, 'root');
  const binary = fakeKedge(dir);
  const tools = toolsDir(dir, { hide: ['kubectl', ...(o.hide ?? [])], fake: o.fake });
  const env: Record<string, string> = {
    PATH: tools,
    HOME: dir,
    INSTALL_KEDGE_ROOT: root,
    INSTALL_KEDGE_BINARY: binary,
    INSTALL_KEDGE_SKIP_CONTAINERD: 'true',
    INSTALL_KEDGE_INIT: 'systemd',
  };
  const at = (p: string) => join(root, p);
  return { dir, root, binary, tools, env, at };
}

function shellcheck(files: string[]): string {
  const r = spawnSync('shellcheck', ['-s', 'sh', ...files], { encoding: 'utf8' });
  return r.status === 0 ? '' : r.stdout + r.stderr;
}

describe.skipIf(!hasCommand('shellcheck'))('shellcheck', () => {
  it('install/*.sh is clean', () => {
    const scripts = spawnSync('sh', ['-c', `ls ${join(installScript, '..')}/*.sh`], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(scripts).toContain(installScript);
    expect(shellcheck(scripts)).toBe('');
  });
});

describe('install.sh, server role (systemd)', () => {
  let s: ReturnType<typeof setup>;
  let first: InstallRun;
  beforeAll(() => {
    s = setup();
    first = runInstall({ ...s.env, KEDGE_TLS_SAN: 'pi.lan', INSTALL_KEDGE_EXEC: '--node-label zone=attic' });
  });

  it('installs the binary, the unit, the env file and the scripts with their modes', () => {
    expect(first.stderr).not.toContain('[ERROR]');
    expect(first.status).toBe(0);
    expect(readFileSync(s.at('usr/local/bin/kedge')).equals(readFileSync(s.binary))).toBe(true);
    expect(mode(s.at('usr/local/bin/kedge'))).toBe('755');
    expect(mode(s.at('usr/local/bin/kedge-killall.sh'))).toBe('755');
    expect(mode(s.at('usr/local/bin/kedge-uninstall.sh'))).toBe('755');
    expect(mode(s.at('etc/systemd/system/kedge.service'))).toBe('644');
    expect(mode(s.at('etc/kedge/kedge.env'))).toBe('600');
    expect(first.stdout).toContain('not enabling or starting the systemd service of this host');
  });

  it('writes a unit that restarts kedge server with the extra flags and leaves containers alone', () => {
    const unit = readFileSync(s.at('etc/systemd/system/kedge.service'), 'utf8');
    expect(unit).toContain(`ExecStart=${s.at('usr/local/bin/kedge')} server --node-label zone=attic\n`);
    expect(unit).toContain(`EnvironmentFile=-${s.at('etc/kedge/kedge.env')}\n`);
    expect(unit).toMatch(/^Type=simple$/m);
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^KillMode=process$/m);
    expect(unit).toMatch(/^WantedBy=multi-user.target$/m);
  });

  it.skipIf(!hasCommand('systemd-analyze'))('the unit passes systemd-analyze verify', () => {
    const r = spawnSync('systemd-analyze', ['verify', s.at('etc/systemd/system/kedge.service')], { encoding: 'utf8' });
    expect(r.stderr.split('\n').filter((l) => l.includes('kedge.service'))).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('puts KEDGE_* settings, and data dirs under the root, into the env file', () => {
    const env = readFileSync(s.at('etc/kedge/kedge.env'), 'utf8');
    expect(env).toBe([
      `KEDGE_AGENT_DATA_DIR='${s.at('var/lib/kedge/agent')}'`,
      `KEDGE_CACHE_DIR='${s.at('var/lib/kedge/cache')}'`,
      `KEDGE_DATA_DIR='${s.at('var/lib/kedge/server')}'`,
      `KEDGE_TLS_SAN='pi.lan'`,
      '',
    ].join('\n'));
  });

  it('links kubectl to kedge where there is no kubectl', () => {
    expect(readlinkSync(s.at('usr/local/bin/kubectl'))).toBe(s.at('usr/local/bin/kedge'));
  });

  it.skipIf(!hasCommand('shellcheck'))('writes killall and uninstall scripts that shellcheck accepts', () => {
    expect(shellcheck([s.at('usr/local/bin/kedge-killall.sh'), s.at('usr/local/bin/kedge-uninstall.sh')])).toBe('');
  });

  it('a second run with the same settings changes nothing', () => {
    const files = ['usr/local/bin/kedge', 'etc/kedge/kedge.env', 'etc/systemd/system/kedge.service', 'usr/local/bin/kedge-uninstall.sh'];
    const before = files.map((f) => statSync(s.at(f)).mtimeMs);
    const again = runInstall({ ...s.env, KEDGE_TLS_SAN: 'pi.lan', INSTALL_KEDGE_EXEC: '--node-label zone=attic' });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('No change detected');
    expect(again.stdout).not.toContain('Wrote');
    expect(files.map((f) => statSync(s.at(f)).mtimeMs)).toEqual(before);
  });

  it('a changed setting rewrites what depends on it', () => {
    const changed = runInstall({ ...s.env, KEDGE_TLS_SAN: 'pi.lan', INSTALL_KEDGE_EXEC: '--node-label zone=cellar' });
    expect(changed.status).toBe(0);
    expect(changed.stdout).toContain(`Wrote ${s.at('etc/systemd/system/kedge.service')}`);
    expect(changed.stdout).not.toContain('No change detected');
    expect(readFileSync(s.at('etc/systemd/system/kedge.service'), 'utf8')).toContain('--node-label zone=cellar');
  });
});

describe('install.sh, agent role', () => {
  it('needs a token, and a well-formed one', () => {
    const s = setup();
    const none = runInstall({ ...s.env, KEDGE_URL: 'https://127.0.0.1:6443' });
    expect(none.status).not.toBe(0);
    expect(none.stderr).toContain('set KEDGE_TOKEN (or KEDGE_TOKEN_FILE)');
    const bad = runInstall({ ...s.env, KEDGE_URL: 'https://127.0.0.1:6443', KEDGE_TOKEN: 'K10nothex::node:x' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('the join token is malformed');
    const http = runInstall({ ...s.env, KEDGE_URL: 'http://127.0.0.1:6443', KEDGE_TOKEN: token });
    expect(http.stderr).toContain('expected https://SERVER:6443');
    expect(existsSync(s.at('usr/local/bin/kedge'))).toBe(false);
  });

  it('installs kedge-agent with the server URL and token file in its env file', () => {
    const s = setup();
    const tokenFile = join(s.dir, 'token');
    writeFileSync(tokenFile, `${token}\n`);
    const r = runInstall({ ...s.env, KEDGE_URL: 'https://pi-server:6443/', KEDGE_TOKEN_FILE: tokenFile, KEDGE_NODE_NAME: 'pi-7' });
    expect(r.stderr).not.toContain('[ERROR]');
    expect(r.status).toBe(0);
    const unit = readFileSync(s.at('etc/systemd/system/kedge-agent.service'), 'utf8');
    expect(unit).toContain(`ExecStart=${s.at('usr/local/bin/kedge')} agent\n`);
    expect(unit).toContain(`EnvironmentFile=-${s.at('etc/kedge/kedge-agent.env')}`);
    expect(mode(s.at('etc/kedge/kedge-agent.env'))).toBe('600');
    expect(readFileSync(s.at('etc/kedge/kedge-agent.env'), 'utf8')).toBe([
      `KEDGE_CACHE_DIR='${s.at('var/lib/kedge/cache')}'`,
      `KEDGE_DATA_DIR='${s.at('var/lib/kedge/agent')}'`,
      "KEDGE_NODE_NAME='pi-7'",
      `KEDGE_TOKEN_FILE='${tokenFile}'`,
      "KEDGE_URL='https://pi-server:6443'",
      '',
    ].join('\n'));
  });

  it('starts in the background without an init system, leaves a running agent alone, restarts on a change, and uninstall stops it', () => {
    const s = setup();
    const env = { ...s.env, INSTALL_KEDGE_INIT: 'none', KEDGE_URL: 'https://pi-server:6443', KEDGE_TOKEN: token, KEDGE_NODE_NAME: 'pi-8' };
    const pidFile = s.at('run/kedge-agent.pid');
    try {
      const first = runInstall(env);
      expect(first.stderr).not.toContain('[ERROR]');
      expect(first.status).toBe(0);
      expect(first.stdout).toContain('kedge agent is running as node pi-8');
      expect(existsSync(s.at('etc/systemd/system/kedge-agent.service'))).toBe(false);
      const pid = readFileSync(pidFile, 'utf8').trim();
      expect(cmdlineOnceItHas(pid, s.at('usr/local/bin/kedge'))).toContain(s.at('usr/local/bin/kedge'));
      expect(readFileSync(s.at('var/log/kedge-agent.log'), 'utf8')).toContain('fake kedge agent');
      if (hasCommand('shellcheck')) expect(shellcheck([s.at('etc/kedge/kedge-agent-start.sh')])).toBe('');

      const again = runInstall(env);
      expect(again.stdout).toContain('No change detected');
      expect(readFileSync(pidFile, 'utf8').trim()).toBe(pid);

      const changed = runInstall({ ...env, INSTALL_KEDGE_EXEC: '--node-label zone=attic' });
      expect(changed.status).toBe(0);
      const newPid = readFileSync(pidFile, 'utf8').trim();
      expect(newPid).not.toBe(pid);
      expect(running(pid)).toBe(false);
      expect(cmdlineOnceItHas(newPid, 'zone=attic')).toContain('zone=attic');

      const un = spawnSync(s.at('usr/local/bin/kedge-uninstall.sh'), [], { env: { PATH: s.tools }, encoding: 'utf8' });
      expect(un.status).toBe(0);
      expect(running(newPid)).toBe(false);
      expect(existsSync(s.at('etc/kedge'))).toBe(false);
    } finally {
      const pid = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() : '';
      if (pid && running(pid)) process.kill(Number(pid), 'SIGKILL');
    }
  });
});

describe('install.sh, other inits and checks', () => {
  it('writes an openrc service that sources the env file', () => {
    const s = setup();
    const r = runInstall({ ...s.env, INSTALL_KEDGE_INIT: 'openrc', INSTALL_KEDGE_EXEC: '--tls-san pi.lan' });
    expect(r.status).toBe(0);
    const script = readFileSync(s.at('etc/init.d/kedge'), 'utf8');
    expect(mode(s.at('etc/init.d/kedge'))).toBe('755');
    expect(script.split('\n')[0]).toBe('#!/sbin/openrc-run');
    expect(script).toContain(`command="${s.at('usr/local/bin/kedge')}"`);
    expect(script).toContain('command_args="server --tls-san pi.lan"');
    expect(script).toContain('supervisor=supervise-daemon');
    expect(script).toContain(`. "${s.at('etc/kedge/kedge.env')}"`);
    expect(spawnSync('sh', ['-n', s.at('etc/init.d/kedge')]).status).toBe(0);
  });

  it('refuses a binary whose checksum does not match, installing nothing', () => {
    const s = setup();
    writeFileSync(`${s.binary}.sha256`, `${'0'.repeat(64)}  kedge-linux-test\n`);
    const r = runInstall(s.env);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/sha256 [0-9a-f]{64} does not match 0{64}/);
    expect(existsSync(s.at('usr/local/bin/kedge'))).toBe(false);
  });

  it('maps machine names to download architectures and refuses armv6', () => {
    for (const [machine, arch] of [['aarch64', 'arm64'], ['armv7l', 'arm'], ['x86_64', 'amd64']] as const) {
      const s = setup({ fake: { uname: `echo ${machine}` } });
      const r = runInstall(s.env);
      expect(r.stdout).toContain(`Architecture: ${arch}`);
    }
    const s = setup({ fake: { uname: 'echo armv6l' } });
    const r = runInstall(s.env);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('armv6l (Raspberry Pi Zero and 1) is not supported');
  });

  it('rejects an unknown INSTALL_KEDGE_INIT', () => {
    const s = setup();
    const r = runInstall({ ...s.env, INSTALL_KEDGE_INIT: 'upstart' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('INSTALL_KEDGE_INIT=upstart: expected systemd, openrc or none');
  });

  it('prints the cmdline.txt fix on a Raspberry Pi without the memory cgroup, and nothing when it has it', () => {
    const s = setup();
    mkdirSync(s.at('proc/device-tree'), { recursive: true });
    writeFileSync(s.at('proc/device-tree/model'), 'Raspberry Pi 4 Model B Rev 1.4\0');
    mkdirSync(s.at('sys/fs/cgroup'), { recursive: true });
    writeFileSync(s.at('sys/fs/cgroup/cgroup.controllers'), 'cpuset cpu io pids\n');
    mkdirSync(s.at('boot/firmware'), { recursive: true });
    writeFileSync(s.at('boot/firmware/cmdline.txt'), 'console=tty1 root=PARTUUID=1234 rootwait\n');
    const r = runInstall(s.env);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("sudo sed -i '1 s/$/ cgroup_memory=1 cgroup_enable=memory/' /boot/firmware/cmdline.txt && sudo reboot");
    writeFileSync(s.at('sys/fs/cgroup/cgroup.controllers'), 'cpuset cpu io memory pids\n');
    expect(runInstall(s.env).stderr).not.toContain('cgroup_memory');
  });

  it('does not link kubectl over an existing one', () => {
    const s = setup();
    mkdirSync(s.at('usr/local/bin'), { recursive: true });
    writeFileSync(s.at('usr/local/bin/kubectl'), '#!/bin/sh\necho real kubectl\n');
    const r = runInstall(s.env);
    expect(r.stdout).toContain('kubectl already installed: not linking it to kedge');
    expect(lstatSync(s.at('usr/local/bin/kubectl')).isSymbolicLink()).toBe(false);
  });
});

describe('kedge-uninstall.sh', () => {
  it('removes everything install.sh wrote and leaves what was there before', () => {
    const s = setup();
    mkdirSync(s.at('usr/local/bin'), { recursive: true });
    mkdirSync(s.at('etc/kedge'), { recursive: true });
    writeFileSync(s.at('usr/local/bin/other-tool'), 'mine');
    writeFileSync(s.at('etc/kedge/notes.txt'), 'mine too');
    expect(runInstall(s.env).status).toBe(0);
    // Data kedge itself writes at run time goes too.
    mkdirSync(s.at('var/lib/kedge/server/db'), { recursive: true });
    writeFileSync(s.at('var/lib/kedge/server/db/state.db'), '');
    const r = spawnSync(s.at('usr/local/bin/kedge-uninstall.sh'), [], { env: { PATH: s.tools }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const left = spawnSync('find', [s.root, '-type', 'f', '-o', '-type', 'l'], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
    expect(left).toEqual([s.at('etc/kedge/notes.txt'), s.at('usr/local/bin/other-tool')]);
  });
});

describe('install.sh from a checkout', () => {
  it('builds the single executable with npm, and does not rebuild when no source changed', () => {
    const calls = (dir: string) => (existsSync(join(dir, 'npm.log')) ? readFileSync(join(dir, 'npm.log'), 'utf8') : '');
    const s0 = setup();
    // A fake checkout: package.json, the script, a source file; npm and node are fakes that log.
    const checkout = join(s0.dir, 'checkout');
    mkdirSync(join(checkout, 'install'), { recursive: true });
    mkdirSync(join(checkout, 'cli'), { recursive: true });
    copyFileSync(installScript, join(checkout, 'install', 'install.sh'));
    writeFileSync(join(checkout, 'package.json'), '{\n  "name": "kedge"\n}\n');
    writeFileSync(join(checkout, 'package-lock.json'), '{}\n');
    writeFileSync(join(checkout, 'cli', 'main.ts'), '// source\n');
    const arch = { x64: 'amd64', arm64: 'arm64', arm: 'arm' }[process.arch as string] ?? process.arch;
    const s = setup({
      fake: {
        node: 'echo 20',
        npm: [
          `echo "npm $*" >>${join(s0.dir, 'npm.log')}`,
          'case "$*" in',
          '  ci*) mkdir -p node_modules ;;',
          '  ls*) exit 0 ;;',
          `  "run build"*) mkdir -p dist && cp ${s0.binary} dist/kedge-linux-${arch} && cp ${s0.binary}.sha256 dist/kedge-linux-${arch}.sha256 ;;`,
          'esac',
        ].join('\n'),
      },
    });
    const env = { ...s.env, INSTALL_KEDGE_BINARY: '' };
    const first = runInstall(env, { script: join(checkout, 'install', 'install.sh'), cwd: checkout });
    expect(first.stderr).not.toContain('[ERROR]');
    expect(first.status).toBe(0);
    expect(calls(s0.dir)).toBe('npm ci --no-audit --no-fund\nnpm run build --silent\n');
    expect(first.stdout).toContain('Building the kedge single executable');
    expect(readFileSync(s.at('usr/local/bin/kedge')).equals(readFileSync(s0.binary))).toBe(true);

    const again = runInstall(env, { script: join(checkout, 'install', 'install.sh'), cwd: checkout });
    expect(again.stdout).toContain('newer than every source file: not rebuilding');
    expect(again.stdout).toContain('npm dependencies in');
    expect(again.stdout).toContain('No change detected');
    expect(calls(s0.dir)).toBe('npm ci --no-audit --no-fund\nnpm run build --silent\nnpm ls --silent\n');
  });

  it('without a checkout, a binary or KEDGE_URL, says what it needs', () => {
    const s = setup();
    const piped = spawnSync('sh', ['-c', `sh - <${installScript}`], { env: { ...s.env, INSTALL_KEDGE_BINARY: '' }, encoding: 'utf8' });
    expect(piped.status).not.toBe(0);
    expect(piped.stderr).toContain('no kedge binary to install');
  });
});

function running(pid: string): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The start script forks before it execs kedge: give the new process a moment to show its final command line. */
function cmdlineOnceItHas(pid: string, text: string): string {
  let cmdline = '';
  for (let i = 0; i < 50 && !cmdline.includes(text); i++) {
    if (i > 0) spawnSync('sleep', ['0.1']);
    cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
  }
  return cmdline;
}

describe('install.sh, the pod network packages', () => {
  it('installs the CNI plugins and nftables with the package manager when nft is missing', () => {
    const s = setup({ hide: ['nft'], fake: { 'apt-get': `echo "apt-get $*" >>"$HOME/apt.log"` } });
    const r = runInstall({ ...s.env, INSTALL_KEDGE_SKIP_CONTAINERD: '' });
    expect(r.stderr).not.toContain('[ERROR]');
    expect(r.stdout).toContain('Installing the CNI plugins and nftables');
    expect(readFileSync(join(s.dir, 'apt.log'), 'utf8')).toContain('apt-get install -y -q containernetworking-plugins nftables\n');
  });

  it.skipIf(!existsSync('/usr/lib/cni/bridge') || !hasCommand('nft'))('leaves them alone when they are there', () => {
    const s = setup({ fake: { 'apt-get': `echo "apt-get $*" >>"$HOME/apt.log"` } });
    const r = runInstall({ ...s.env, INSTALL_KEDGE_SKIP_CONTAINERD: '' });
    expect(r.stdout).toContain('CNI plugins and nftables already installed');
    expect(existsSync(join(s.dir, 'apt.log'))).toBe(false);
  });
});
