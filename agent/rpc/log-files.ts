/** Finding a container's log file for a run, and where its last N lines start. */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KedgeError } from '../../shared/errors.js';
import { podLogDir } from '../logs/layout.js';

export interface LogTarget {
  namespace: string;
  pod: string;
  uid: string;
  container: string;
}

export interface LogRun {
  dir: string;
  /** The run's number (its restart count): <dir>/<run>.log. */
  run: number;
  path: string;
}

export function containerLogDir(root: string, t: LogTarget): string {
  return join(podLogDir(root, { namespace: t.namespace, pod: t.pod, uid: t.uid }), t.container);
}

/** The run numbers that have a log file, highest first. */
export async function logRuns(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names
    .map((n) => /^(\d+)\.log$/.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => b - a);
}

/**
 * The current run's file (the server's restart count when that file exists, else the newest), or with
 * `previous` the run before it, as kubectl logs --previous reads the last terminated container.
 */
export async function findLogRun(root: string, t: LogTarget, o: { restartCount?: number; previous?: boolean; nodeName: string }): Promise<LogRun> {
  const dir = containerLogDir(root, t);
  const runs = await logRuns(dir);
  const what = `container "${t.container}" in pod "${t.pod}"`;
  if (runs.length === 0) throw new KedgeError('NotFound', `${what} has no logs on node ${o.nodeName} (it has not started yet, or its pod is gone)`);
  const current = o.restartCount !== undefined && runs.includes(o.restartCount) ? o.restartCount : runs[0]!;
  if (!o.previous) return { dir, run: current, path: join(dir, `${current}.log`) };
  const before = runs.find((r) => r < current);
  if (before === undefined) throw new KedgeError('BadRequest', `previous terminated ${what} not found`);
  return { dir, run: before, path: join(dir, `${before}.log`) };
}

export async function fileSize(path: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  try {
    const s = await stat(path);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Where the last `lines` lines of the first `size` bytes of a file start, scanning backwards in blocks
 * (a log file may be megabytes on an SD card). A last line without its newline counts as a line.
 * `found` is how many lines that covers: fewer than asked means the whole file.
 */
export async function tailStart(path: string, size: number, lines: number, blockBytes = 64 * 1024): Promise<{ offset: number; found: number }> {
  if (lines <= 0 || size === 0) return { offset: size, found: 0 };
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(blockBytes);
    let end = size;
    let found = 0;
    // The byte at size-1: a final newline ends the last line rather than starting an empty one.
    let skipFinalNewline = true;
    while (end > 0) {
      const start = Math.max(0, end - blockBytes);
      const { bytesRead } = await fh.read(buf, 0, end - start, start);
      for (let i = bytesRead - 1; i >= 0; i--) {
        if (buf[i] !== 0x0a) {
          skipFinalNewline = false;
          continue;
        }
        if (skipFinalNewline) {
          skipFinalNewline = false;
          continue;
        }
        found++;
        if (found === lines) return { offset: start + i + 1, found };
      }
      end = start;
    }
    // Reached the start of the file: the first line has no newline before it.
    return { offset: 0, found: found + 1 };
  } finally {
    await fh.close();
  }
}
