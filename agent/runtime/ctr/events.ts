/** One long-lived `ctr events` child feeding task exits to listeners; restarted if it dies. */
import { createInterface } from 'node:readline';
import { execa, type ResultPromise } from 'execa';
import type { TaskExit } from '../driver.js';
import type { CtrRunner } from './ctr-command.js';
import { parseEventLine, taskExitOf } from './table.js';

export interface ExitStream {
  subscribe(listener: (e: TaskExit) => void): () => void;
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
  let child: ResultPromise | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let delay = o.restartDelayMs ?? 500;

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
    const p = execa(o.ctr.base.file, [...o.ctr.base.args, 'events'], { reject: false, stdin: 'ignore', buffer: false });
    child = p;
    createInterface({ input: p.stdout! }).on('line', emit);
    let stderr = '';
    p.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
    void p.then((r) => {
      child = null;
      if (closed || listeners.size === 0) return;
      o.log(`runtime: ctr events exited (${r.exitCode ?? r.signal ?? 'unknown'}): ${stderr.trim() || 'no output'}; restarting in ${delay} ms`);
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
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const p = child;
      child = null;
      if (p) {
        p.kill('SIGTERM');
        await p;
      }
    },
  };
}
