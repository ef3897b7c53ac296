/** One long-lived `ctr events` child feeding task exits to listeners; restarted if it dies. */
import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TaskExit } from '../driver.js';
import type { CtrRunner } from './ctr-command.js';
import { parseEventLine, taskExitOf } from './table.js';

export interface ExitStream {
  subscribe(listener: (e: TaskExit) => void): () => void;
  /** Which `ctr events` child is streaming (a new number after each restart), or null while none is. */
  generation(): number | null;
  close(): Promise<void>;
}

export function createExitStream(o: {
  ctr: CtrRunner;
  namespace: string;
  log: (m: string) => void;
  /** Delay before respawning a dead events child; grows to 30 s while it keeps dying. */
  restartDelayMs?: number;
}): ExitStream {
  const listeners = new Set<(e: TaskExit) => void>();
  let child: { proc: ChildProcess; exited: Promise<void>; generation: number } | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let delay = o.restartDelayMs ?? 500;
  let spawned = 0;

  function emit(line: string): void {
    const ev = parseEventLine(line);
    if (!ev || ev.namespace !== o.namespace) return;
    const exit = taskExitOf(ev);
    if (!exit) return;
    delay = o.restartDelayMs ?? 500; // a healthy stream resets the backoff
    for (const l of [...listeners]) {
      try {
        l(exit);
      } catch (err) {
        o.log(`runtime: exit listener failed for ${exit.id}: ${(err as Error).message}`);
      }
    }
  }

  function spawn(): void {
    if (closed || child) return;
    const proc = spawnProcess(o.ctr.base.file, [...o.ctr.base.args, 'events'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let why = 'unknown';
    const exited = new Promise<void>((resolve) => {
      proc.once('error', (e) => { why = e.message; });
      // 'close' also follows a failed spawn, so a missing ctr is retried like a dead one.
      proc.once('close', (code, signal) => {
        if (why === 'unknown') why = String(code ?? signal ?? 'unknown');
        resolve();
      });
    });
    const p = { proc, exited, generation: ++spawned };
    child = p;
    createInterface({ input: proc.stdout! }).on('line', emit);
    proc.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
    void exited.then(() => {
      if (child === p) child = null;
      if (closed || listeners.size === 0) return;
      o.log(`runtime: ctr events exited (${why}): ${stderr.trim() || 'no output'}; restarting in ${delay} ms`);
      timer = setTimeout(() => { timer = null; spawn(); }, delay);
      delay = Math.min(delay * 2, 30_000);
    });
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      spawn();
      return () => { listeners.delete(listener); };
    },
    generation: () => child?.generation ?? null,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const p = child;
      child = null;
      if (p) {
        p.proc.kill('SIGTERM');
        await p.exited;
      }
    },
  };
}
