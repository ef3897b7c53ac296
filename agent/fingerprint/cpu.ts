import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import os from 'node:os';

/** Model name from /proc/cpuinfo; ARM boards (Raspberry Pi) put it under "Model" or "Hardware". */
export function parseCpuModel(cpuinfo: string): string | null {
  const fields = new Map<string, string>();
  for (const line of cpuinfo.split('\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const k = line.slice(0, i).trim();
    if (!fields.has(k)) fields.set(k, line.slice(i + 1).trim());
  }
  for (const k of ['model name', 'Model', 'Hardware', 'cpu model', 'Processor']) {
    const v = fields.get(k);
    if (v) return v;
  }
  return null;
}

/** The CPU model, read once at start. */
export async function readCpuModel(root = '/'): Promise<string> {
  const fromNode = os.cpus()[0]?.model?.trim();
  if (fromNode && fromNode !== 'unknown') return fromNode;
  const text = await readFile(join(root, 'proc/cpuinfo'), 'utf8').catch(() => '');
  return parseCpuModel(text) ?? 'unknown';
}

/** CPU count and 1-minute load: cheap node built-ins, fine every 10 s on a Pi. */
export function cpuLoad(): { count: number; load1: number } {
  const count = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return { count: Math.max(1, count), load1: os.loadavg()[0] ?? 0 };
}
