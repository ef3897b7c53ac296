/**
 * Runs a short command to completion with node:child_process: what the agent needs of execa
 * (output, exit code, timeout, input) without its ~40 modules, which cost an idle agent ~8 MB.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ProcessResult {
  stdout: string;
  stderr: string;
  /** null when killed by a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Set when the process could not be started (ENOENT, EACCES…). */
  spawnError?: NodeJS.ErrnoException;
}

export interface RunOptions {
  timeoutMs?: number;
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  input?: string;
  /** After the timeout's SIGTERM, SIGKILL follows this much later (execa's default too). */
  killAfterMs?: number;
  /** The child's whole environment; default the agent's own. */
  env?: NodeJS.ProcessEnv;
}

/** Output kept per stream: ctr listings of a busy node are far smaller; a runaway child cannot fill the heap. */
export const maxOutputBytes = 16 * 1024 * 1024;

export interface StartOptions extends RunOptions {
  /** 'pipe' leaves child.stdin open for the caller to feed (ignored when input is given). */
  stdin?: 'ignore' | 'pipe';
  /** false: stdout is left for the caller to read (piping it on), not collected. */
  collectStdout?: boolean;
}

/** Starts a command; `done` resolves (never rejects) once it has exited and its output is read. */
export function startProcess(file: string, args: string[], o: StartOptions = {}): { child: ChildProcess; done: Promise<ProcessResult> } {
  const stdin = o.input !== undefined ? 'pipe' : (o.stdin ?? 'ignore');
  const child = spawn(file, args, { stdio: [stdin, 'pipe', 'pipe'], ...(o.env ? { env: o.env } : {}) });
  const done = new Promise<ProcessResult>((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const timer =
      o.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
            killTimer = setTimeout(() => child.kill('SIGKILL'), o.killAfterMs ?? 5000);
          }, o.timeoutMs);
    if (o.collectStdout !== false) {
      child.stdout!.on('data', (d: Buffer) => {
        if ((outBytes += d.length) <= maxOutputBytes) out.push(d);
      });
    }
    child.stderr!.on('data', (d: Buffer) => {
      if ((errBytes += d.length) <= maxOutputBytes) err.push(d);
    });
    if (child.stdin) {
      // A child that exits without reading its input gives EPIPE here; its exit code tells the story.
      child.stdin.on('error', () => undefined);
      if (o.input !== undefined) child.stdin.end(o.input);
    }
    child.once('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
    });
    // 'close' (not 'exit'): the output streams are fully read; it also follows a spawn 'error'.
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        exitCode: spawnError ? null : code,
        signal,
        timedOut,
        ...(spawnError ? { spawnError } : {}),
      });
    });
  });
  return { child, done };
}

/** Runs a command to completion. */
export function runProcess(file: string, args: string[], o: RunOptions = {}): Promise<ProcessResult> {
  return startProcess(file, args, o).done;
}

/** One line for a failed run: the spawn error, the signal or the exit code. */
export function describeFailure(file: string, r: ProcessResult): string {
  if (r.spawnError) return `cannot run ${file}: ${r.spawnError.message}`;
  if (r.signal) return `${file} was killed by ${r.signal}`;
  return `${file} exited with code ${r.exitCode}`;
}
