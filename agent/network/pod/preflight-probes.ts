/** The preflight's look at the real node: plugin files, PATH, /proc/sys, /sys/module and the kernel's module lists and config. */
import { constants } from 'node:fs';
import { access, readFile, writeFile } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { callPlugin, defaultExec, type Exec } from './cni/invoke.js';
import { findPlugin } from './cni/plugins.js';
import { supportedVersions } from './cni/result.js';
import { kernelHas, type KernelFeature, type PreflightProbes } from './preflight.js';

const ipForwardPath = '/proc/sys/net/ipv4/ip_forward';

async function exists(path: string, mode = constants.F_OK): Promise<boolean> {
  try {
    await access(path, mode);
    return true;
  } catch {
    return false;
  }
}

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

async function kernelConfig(): Promise<string | undefined> {
  const gz = await readFile('/proc/config.gz').catch(() => undefined);
  if (gz) return (await promisify(gunzip)(gz)).toString('utf8');
  return readText(`/boot/config-${release()}`);
}

export function createPreflightProbes(o: { exec?: Exec } = {}): PreflightProbes {
  const exec = o.exec ?? defaultExec;
  let lists: Promise<string | undefined> | undefined;
  let config: Promise<string | undefined> | undefined;
  return {
    findPlugin,
    async pluginVersions(path) {
      const out = await callPlugin(exec, { command: 'VERSION', plugin: path, pluginDirs: [], config: { cniVersion: '1.0.0' }, timeoutMs: 10_000 });
      return out.ok ? supportedVersions(out.output) : undefined;
    },
    async onPath(command) {
      // root's PATH may lack the sbin directories that nft and umount live in.
      const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
      for (const d of dirs) if (await exists(join(d, command), constants.X_OK)) return true;
      return false;
    },
    async readIpForward() {
      const v = (await readText(ipForwardPath))?.trim();
      return v === undefined ? undefined : v === '1';
    },
    async enableIpForward() {
      try {
        await writeFile(ipForwardPath, '1\n');
        return true;
      } catch {
        return false;
      }
    },
    async kernel(feature: KernelFeature) {
      lists ??= Promise.all([readText(`/lib/modules/${release()}/modules.dep`), readText(`/lib/modules/${release()}/modules.builtin`)]).then(([a, b]) =>
        a === undefined && b === undefined ? undefined : `${a ?? ''}\n${b ?? ''}`,
      );
      config ??= kernelConfig().catch(() => undefined);
      const moduleLists = await lists;
      const kernelConfigText = await config;
      return kernelHas(feature, {
        sysModule: await exists(`/sys/module/${feature}`),
        ...(moduleLists !== undefined ? { moduleLists } : {}),
        ...(kernelConfigText !== undefined ? { kernelConfig: kernelConfigText } : {}),
      });
    },
  };
}
