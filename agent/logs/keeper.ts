/** Keeps container logs bounded: copy-truncate rotation, old restarts pruned, gone pods removed. */
import { copyFile, readdir, rename, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { podLogDir } from './layout.js';

export interface LogKeeperOptions {
  root: string;
  /** Rotate a file once it is larger than this; default 10 MiB. */
  maxBytes?: number;
  /** Rotated copies kept per file (<file>.1 newest); default 1. */
  keepFiles?: number;
  intervalMs?: number;
  /** Other append-only logs to cap the same way, e.g. containerd.log. */
  extraFiles?: string[];
  log?: (m: string) => void;
}

export interface LogKeeper {
  start(): void;
  stop(): void;
  /** One pass: rotate, prune; what the timer runs. */
  tick(): Promise<void>;
  removePod(namespace: string, pod: string, uid: string): Promise<void>;
}

async function entries(dir: string): Promise<import('node:fs').Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return -1;
  }
}

export function createLogKeeper(o: LogKeeperOptions): LogKeeper {
  const maxBytes = o.maxBytes ?? 10 * 1024 * 1024;
  const keepFiles = Math.max(0, o.keepFiles ?? 1);
  const log = o.log ?? (() => {});
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  /** copy-truncate: the shim appends (O_APPEND), so after truncation it writes from offset 0 again. */
  async function rotate(file: string): Promise<void> {
    if (keepFiles > 0) {
      await rm(`${file}.${keepFiles}`, { force: true });
      for (let k = keepFiles - 1; k >= 1; k--) {
        await rename(`${file}.${k}`, `${file}.${k + 1}`).catch(() => undefined);
      }
      await copyFile(file, `${file}.1`);
    }
    await truncate(file, 0);
  }

  async function capFile(file: string): Promise<void> {
    if ((await sizeOf(file)) > maxBytes) await rotate(file);
  }

  async function keepContainer(dir: string): Promise<void> {
    const files = (await entries(dir)).filter((e) => e.isFile()).map((e) => e.name);
    const restarts = [...new Set(files.map((f) => /^(\d+)\.log(?:\.\d+)?$/.exec(f)?.[1]).filter((n): n is string => !!n).map(Number))]
      .sort((a, b) => b - a);
    const kept = new Set(restarts.slice(0, 2)); // the current restart and the one before
    for (const f of files) {
      const m = /^(\d+)\.log(?:\.(\d+))?$/.exec(f);
      if (!m) continue;
      if (!kept.has(Number(m[1])) || (m[2] !== undefined && Number(m[2]) > keepFiles)) {
        await rm(join(dir, f), { force: true });
      }
    }
    for (const n of kept) {
      if (files.includes(`${n}.log`)) await capFile(join(dir, `${n}.log`));
    }
  }

  async function pass(): Promise<void> {
    for (const pod of await entries(o.root)) {
      if (!pod.isDirectory()) continue;
      for (const c of await entries(join(o.root, pod.name))) {
        if (c.isDirectory()) await keepContainer(join(o.root, pod.name, c.name));
      }
    }
    for (const f of o.extraFiles ?? []) await capFile(f);
  }

  function tick(): Promise<void> {
    // One pass at a time: a slow SD card must not pile passes up.
    running ??= pass().finally(() => { running = null; });
    return running;
  }

  return {
    start() {
      if (timer) return;
      timer = setInterval(() => {
        tick().catch((err: Error) => log(`logs: keeping ${o.root} failed: ${err.message}`));
      }, o.intervalMs ?? 10_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    tick,
    async removePod(namespace, pod, uid) {
      await rm(podLogDir(o.root, { namespace, pod, uid }), { recursive: true, force: true });
    },
  };
}
