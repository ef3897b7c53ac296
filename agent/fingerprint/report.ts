import { kedgeVersion } from '../../shared/version.js';
import type { NodeReport } from '../../shared/messages.js';
import { nodeAddresses } from './addresses.js';
import { cpuLoad } from './cpu.js';
import { readDisk } from './disk.js';
import type { HostFacts } from './host.js';
import { readMemory } from './memory.js';
import { readTemperature } from './temperature.js';

export interface ReportContext {
  nodeName: string;
  dataDir: string;
  host: HostFacts;
  /** e.g. "containerd 1.6.20". */
  containerRuntimeVersion: string;
  /** --node-label values; they win over nothing: the kubernetes.io labels are always ours. */
  nodeLabels: Record<string, string>;
  now?: () => number;
  /** Filesystem root for /proc and /sys (tests). */
  root?: string;
  /** The node's addresses, node IP first (default: every external address). */
  addresses?: () => string[];
}

/** The kubernetes.io labels every node carries, plus the user's --node-label ones. */
export function nodeLabels(ctx: Pick<ReportContext, 'nodeName' | 'host' | 'nodeLabels'>): Record<string, string> {
  return {
    ...ctx.nodeLabels,
    'kubernetes.io/arch': ctx.host.arch,
    'kubernetes.io/os': ctx.host.os,
    'kubernetes.io/hostname': ctx.nodeName,
  };
}

/** One heartbeat's worth of facts; cheap enough to run every 10 s on a Pi (no process spawned). */
export async function collectReport(ctx: ReportContext): Promise<NodeReport> {
  const root = ctx.root ?? '/';
  const [memory, disk, temperature] = await Promise.all([readMemory(root), readDisk(ctx.dataDir), readTemperature(root)]);
  const { count, load1 } = cpuLoad();
  return {
    node: ctx.nodeName,
    time: new Date((ctx.now ?? Date.now)()).toISOString(),
    agentVersion: kedgeVersion,
    arch: ctx.host.arch,
    os: ctx.host.os,
    kernel: ctx.host.kernel,
    osImage: ctx.host.osImage,
    hostname: ctx.host.hostname,
    addresses: ctx.addresses?.() ?? nodeAddresses(),
    containerRuntimeVersion: ctx.containerRuntimeVersion,
    cpu: { count, model: ctx.host.cpuModel, load1 },
    memory,
    disk,
    ...(temperature === undefined ? {} : { temperature }),
    labels: nodeLabels(ctx),
  };
}
