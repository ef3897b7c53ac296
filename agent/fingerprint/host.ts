import os from 'node:os';
import { nodeArch } from './arch.js';
import { readCpuModel } from './cpu.js';
import { readOsImage } from './os-image.js';

/** Facts that do not change while the agent runs; collected once at start. */
export interface HostFacts {
  arch: string;
  os: string;
  kernel: string;
  osImage: string;
  hostname: string;
  cpuModel: string;
}

/** Where the slow, process-spawning systeminformation library is used (only as a fallback). */
export type OsInfoFallback = () => Promise<{ distro: string; release: string; codename: string }>;

const siOsInfo: OsInfoFallback = async () => {
  // Lazy: systeminformation loads many modules and spawns processes; most hosts never need it.
  const si = await import('systeminformation');
  return si.osInfo();
};

export async function collectHostFacts(o: { root?: string; osInfo?: OsInfoFallback } = {}): Promise<HostFacts> {
  const root = o.root ?? '/';
  let osImage = await readOsImage(root);
  if (!osImage) {
    const info = await (o.osInfo ?? siOsInfo)().catch(() => null);
    osImage = info ? [info.distro, info.release, info.codename ? `(${info.codename})` : ''].filter(Boolean).join(' ') : '';
  }
  return {
    arch: nodeArch(),
    os: os.platform(),
    kernel: os.release(),
    osImage: osImage || 'unknown',
    hostname: os.hostname(),
    cpuModel: await readCpuModel(root),
  };
}
