/**
 * An in-memory stand-in for the bridge, host-local and loopback plugins and for namespaces, for
 * unit tests of the pod network: host-local's lease files are written where the real one writes
 * them, so leaks show on disk; calls can fail or hang (an agent that died mid-way).
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ProcessResult } from '../../../runtime/ctr/run-process.js';
import { formatIPv4, parseCidr, parseIPv4 } from '../cni/config.js';
import type { Exec } from '../cni/invoke.js';
import type { NetnsOps } from '../netns.js';

export interface FakeCall {
  plugin: string;
  command: string;
  containerId: string;
  netns: string;
  ifname: string;
  args: string;
  config: Record<string, unknown>;
}

export interface FakeCni {
  exec: Exec;
  netns: NetnsOps & { live: Set<string>; files: Set<string> };
  calls: FakeCall[];
  /** Plugin directory holding (empty) executables named like the plugins. */
  pluginDir: string;
  /** The next call matching `when` fails with the spec's error object, or never returns. */
  inject(when: (c: FakeCall) => boolean, what: { fail: string } | 'hang'): void;
  /** Namespaces gone, files left: what a reboot does to a namespace directory on disk. */
  reboot(): void;
}

const ok = (stdout = ''): ProcessResult => ({ stdout, stderr: '', exitCode: 0, signal: null, timedOut: false });
const fail = (msg: string): ProcessResult => ({ stdout: JSON.stringify({ cniVersion: '1.0.0', code: 999, msg }), stderr: '', exitCode: 1, signal: null, timedOut: false });

export function createFakeCni(dir: string): FakeCni {
  const pluginDir = join(dir, 'plugins');
  mkdirSync(pluginDir, { recursive: true });
  for (const p of ['bridge', 'host-local', 'loopback']) {
    writeFileSync(join(pluginDir, p), '#!/bin/sh\nexit 1\n');
    chmodSync(join(pluginDir, p), 0o755);
  }
  const calls: FakeCall[] = [];
  const faults: { when: (c: FakeCall) => boolean; what: { fail: string } | 'hang' }[] = [];
  const live = new Set<string>();
  const files = new Set<string>();

  function ipam(config: Record<string, unknown>) {
    const i = config.ipam as { dataDir: string; ranges: { subnet: string }[][] };
    return { store: join(i.dataDir, String(config.name)), subnet: i.ranges[0]![0]!.subnet };
  }

  /** The addresses leased in a store (files named after them). */
  function leased(store: string): string[] {
    try {
      return readdirSync(store).filter((f) => parseIPv4(f) !== undefined);
    } catch {
      return [];
    }
  }

  function release(store: string, id: string): void {
    for (const f of leased(store)) {
      if (readFileSync(join(store, f), 'utf8').split('\r\n')[0] === id) rmSync(join(store, f));
    }
  }

  function allocate(config: Record<string, unknown>, c: FakeCall): ProcessResult {
    const { store, subnet } = ipam(config);
    mkdirSync(store, { recursive: true });
    const taken = new Set(leased(store));
    const want = /(?:^|;)IP=([^;]+)/.exec(c.args)?.[1];
    const range = parseCidr(subnet)!;
    let ip: string | undefined;
    if (want) {
      if (taken.has(want)) return fail(`requested IP address ${want} is not available`);
      ip = want;
    } else {
      for (let n = range.network + 2; n < range.network + 2 ** (32 - range.prefixLength) - 1; n++) {
        if (!taken.has(formatIPv4(n))) {
          ip = formatIPv4(n);
          break;
        }
      }
    }
    if (!ip) return fail('no IP addresses available in range set');
    writeFileSync(join(store, ip), `${c.containerId}\r\n${c.ifname}`);
    const result = {
      cniVersion: config.cniVersion,
      interfaces: [{ name: String(config.bridge) }, { name: 'vethfake' }, { name: c.ifname, sandbox: c.netns }],
      ips: [{ interface: 2, address: `${ip}/${range.prefixLength}`, gateway: formatIPv4(range.network + 1) }],
    };
    return ok(JSON.stringify(result));
  }

  const exec: Exec = async (file, _args, o) => {
    const env = o.env ?? {};
    const c: FakeCall = {
      plugin: basename(file),
      command: env.CNI_COMMAND ?? '',
      containerId: env.CNI_CONTAINERID ?? '',
      netns: env.CNI_NETNS ?? '',
      ifname: env.CNI_IFNAME ?? '',
      args: env.CNI_ARGS ?? '',
      config: JSON.parse(o.input ?? '{}') as Record<string, unknown>,
    };
    calls.push(c);
    const fault = faults.findIndex((f) => f.when(c));
    if (fault >= 0) {
      const [f] = faults.splice(fault, 1);
      if (f!.what === 'hang') return new Promise<ProcessResult>(() => undefined);
      return fail(f!.what.fail);
    }
    if (c.command === 'ADD' && c.netns && !live.has(c.netns)) return fail(`failed to Statfs "${c.netns}": no such file or directory`);
    switch (`${c.plugin} ${c.command}`) {
      case 'bridge ADD':
        return allocate(c.config, c);
      case 'bridge DEL':
      case 'host-local DEL':
        release(ipam(c.config).store, c.containerId);
        return ok();
      case 'loopback ADD':
        return ok(JSON.stringify({ cniVersion: c.config.cniVersion, interfaces: [{ name: 'lo', sandbox: c.netns }], ips: [{ interface: 0, address: '127.0.0.1/8' }] }));
      default:
        return ok();
    }
  };

  const netns: FakeCni['netns'] = {
    live,
    files,
    async create(path) {
      if (live.has(path)) throw new Error(`network namespace ${path} already exists`);
      live.add(path);
      files.add(path);
    },
    async pin(path) {
      live.add(path);
    },
    async remove(path) {
      live.delete(path);
      files.delete(path);
    },
    async isLive(path) {
      return live.has(path);
    },
    async list(d) {
      return [...files].filter((f) => f.startsWith(`${d}/`));
    },
  };

  return {
    exec,
    netns,
    calls,
    pluginDir,
    inject: (when, what) => void faults.push({ when, what }),
    reboot: () => live.clear(),
  };
}
