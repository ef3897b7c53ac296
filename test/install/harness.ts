/** Runs install/install.sh into a temp INSTALL_KEDGE_ROOT with a PATH the test controls. */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const installScript = join(repoRoot, 'install', 'install.sh');

export function tempDir(prefix: string): string {
  mkdirSync(join(tmpdir(), 'kedge-install'), { recursive: true });
  return mkdtempSync(join(tmpdir(), 'kedge-install', `${prefix}-`));
}

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/**
 * A directory of links to the system's commands, minus the ones named in `hide`, plus the
 * scripts in `fake` (name → sh body). Used as the whole PATH, so kubectl, node or uname are
 * exactly what the test says.
 */
export function toolsDir(dir: string, o: { hide?: string[]; fake?: Record<string, string> } = {}): string {
  const tools = join(dir, 'tools');
  mkdirSync(tools, { recursive: true });
  const skip = new Set([...(o.hide ?? []), ...Object.keys(o.fake ?? {})]);
  for (const sys of ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    if (!existsSync(sys)) continue;
    for (const name of readdirSync(sys)) {
      if (skip.has(name) || existsSync(join(tools, name))) continue;
      try {
        symlinkSync(join(sys, name), join(tools, name));
      } catch {
        // a dangling or duplicate entry: the first one wins
      }
    }
  }
  for (const [name, body] of Object.entries(o.fake ?? {})) {
    writeFileSync(join(tools, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(tools, name), 0o755);
  }
  return tools;
}

/**
 * A stand-in kedge: an agent "joins" by writing credentials.json to its data dir, then runs
 * until killed, so the installer's start, restart and stop logic can be tested in seconds.
 */
export function fakeKedge(dir: string): string {
  const path = join(dir, 'kedge-linux-test');
  writeFileSync(path, [
    '#!/bin/sh',
    'echo "fake kedge $*"',
    'if [ "$1" = agent ]; then mkdir -p "$KEDGE_DATA_DIR" && echo "{}" >"$KEDGE_DATA_DIR/credentials.json"; fi',
    'trap "exit 0" TERM',
    'while :; do sleep 0.2; done',
    '',
  ].join('\n'));
  chmodSync(path, 0o755);
  writeChecksum(path);
  return path;
}

export function writeChecksum(path: string): string {
  const hex = createHash('sha256').update(spawnSync('cat', [path]).stdout).digest('hex');
  writeFileSync(`${path}.sha256`, `${hex}  ${path.split('/').pop()}\n`);
  return hex;
}

export interface InstallRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runInstall(env: Record<string, string>, o: { script?: string; cwd?: string } = {}): InstallRun {
  const r = spawnSync('sh', [o.script ?? installScript], { env, cwd: o.cwd ?? tmpdir(), encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
