/** What the figures were measured on: they mean little without it. */
import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryMB: number;
  arch: string;
  kernel: string;
  node: string;
  containerd: string | null;
  fileDescriptorLimit: string;
  /** Milliseconds per small write + fsync where the bench keeps its data dirs: SQLite in FULL mode pays one per commit. */
  fsyncMs: number;
  tempDir: string;
}

/** Times 4 KiB appends each followed by fsync, as a WAL commit does. */
export function fsyncLatencyMs(dir: string, rounds = 100): number {
  const d = mkdtempSync(join(dir, 'fsync-'));
  const fd = openSync(join(d, 'probe'), 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) {
      writeSync(fd, block);
      fsyncSync(fd);
    }
    return (performance.now() - t0) / rounds;
  } finally {
    closeSync(fd);
    rmSync(d, { recursive: true, force: true });
  }
}

export function describeMachine(tempDir: string): Machine {
  const cpus = os.cpus();
  const containerd = spawnSync('containerd', ['--version'], { encoding: 'utf8' });
  const ulimit = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryMB: Math.round(os.totalmem() / 2 ** 20),
    arch: process.arch,
    kernel: os.release(),
    node: process.version,
    containerd: containerd.status === 0 ? containerd.stdout.trim().split(/\s+/).slice(2, 3).join('') || containerd.stdout.trim() : null,
    fileDescriptorLimit: ulimit.stdout.trim(),
    fsyncMs: Math.round(fsyncLatencyMs(tempDir) * 100) / 100,
    tempDir,
  };
}

export function machineLine(m: Machine): string {
  return `machine: ${m.cores} × ${m.cpuModel}, ${(m.memoryMB / 1024).toFixed(1)} GiB, ${m.arch}, Linux ${m.kernel}, Node ${m.node}, containerd ${m.containerd ?? 'absent'}, fsync ${m.fsyncMs} ms (in ${m.tempDir})`;
}
