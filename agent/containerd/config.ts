/** The config.toml of the containerd child the agent starts when no containerd runs. */
import { createHash } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KedgeError } from '../../shared/errors.js';

/**
 * Plugins an edge node never uses; skipping them saves memory and startup time. Checked with
 * `ctr plugins ls` on containerd 1.6: everything else stays "ok". The v1 linux runtime must
 * stay: the 1.6 tasks service refuses to load without it.
 */
export const disabledPlugins = [
  'io.containerd.grpc.v1.cri',
  'io.containerd.snapshotter.v1.aufs',
  'io.containerd.snapshotter.v1.btrfs',
  'io.containerd.snapshotter.v1.devmapper',
  'io.containerd.snapshotter.v1.zfs',
  'io.containerd.internal.v1.opt',
] as const;

export interface ContainerdPaths {
  dir: string;
  config: string;
  root: string;
  state: string;
  address: string;
  log: string;
  /** runc's state for our containers; the default /run/containerd/runc is shared with any system containerd. */
  runcRoot: string;
}

/** sun_path holds 108 bytes with its NUL; containerd also listens on "<address>.ttrpc". */
export const maxSocketPath = 107 - '.ttrpc'.length;

/**
 * containerd's state (task bundles, exec specs, runc state) changes with every exec probe; like K3s's
 * /run/k3s it belongs on the tmpfs at /run, not on an SD card. One dir per agent data dir, so several
 * agents on one host (tests) stay apart. Without a writable /run it stays under the data dir.
 */
export function defaultRunDir(): string | null {
  try {
    if (!statSync('/run').isDirectory()) return null;
    accessSync('/run', constants.W_OK);
    return '/run/kedge';
  } catch {
    return null;
  }
}

export function containerdPaths(dataDir: string, runDir: string | null = defaultRunDir()): ContainerdPaths {
  const dir = join(dataDir, 'containerd');
  const state = runDir ? join(runDir, `containerd-${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12)}`) : join(dir, 'state');
  const paths = {
    dir,
    config: join(dir, 'config.toml'),
    root: join(dir, 'root'),
    state,
    address: join(dir, 'containerd.sock'),
    log: join(dir, 'containerd.log'),
    runcRoot: join(state, 'runc'),
  };
  if (Buffer.byteLength(paths.address) > maxSocketPath) {
    throw new KedgeError('Invalid', `data dir ${dataDir} is too long for containerd's socket ${paths.address} ` +
      `(${Buffer.byteLength(paths.address)} bytes, unix sockets allow ${maxSocketPath} here); choose a shorter --data-dir or pass --containerd-address`);
  }
  return paths;
}

function tomlString(s: string): string {
  return JSON.stringify(s); // JSON string escapes are valid TOML basic-string escapes
}

export function renderContainerdConfig(p: ContainerdPaths): string {
  return [
    '# Written by kedge agent on every start; edits are overwritten.',
    'version = 2',
    `root = ${tomlString(p.root)}`,
    `state = ${tomlString(p.state)}`,
    `disabled_plugins = [${disabledPlugins.map(tomlString).join(', ')}]`,
    '',
    '[grpc]',
    `  address = ${tomlString(p.address)}`,
    '',
  ].join('\n');
}
