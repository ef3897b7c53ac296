/** The agent's own containerd child: spawned, waited for, supervised, stopped. */
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { KedgeError } from '../../shared/errors.js';
import { renderContainerdConfig, type ContainerdPaths } from './config.js';
import { containerdVersion, socketAnswers } from './probe.js';

export interface ContainerdChild {
  version: string;
  stop(): Promise<void>;
}

export interface ChildOptions {
  paths: ContainerdPaths;
  containerdPath: string;
  ctrPath: string;
  log: (m: string) => void;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
}

/** A daemon, not a command: plain spawn with the log file's fd handed straight to it (no pipe through us). */
interface Proc {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>;
}

function launch(containerdPath: string, config: string, fd: number): Proc {
  const child = spawnProcess(containerdPath, ['--config', config], { stdio: ['ignore', fd, fd] });
  const exited = new Promise<Awaited<Proc['exited']>>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, exited };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (pidAlive(pid)) {
    if (Date.now() > end) return false;
    await sleep(50);
  }
  return true;
}

async function tail(path: string, lines = 5): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-lines).join('\n');
}

/**
 * A containerd from an earlier agent run (the agent was killed, its child lived on) still holds
 * our root's lock; stop it so we own a supervised one. Its shims keep the containers running.
 */
async function stopLeftover(p: ContainerdPaths, log: (m: string) => void): Promise<boolean> {
  const pid = Number((await readFile(`${p.dir}/containerd.pid`, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes(p.config)) return false;
  log(`containerd: stopping leftover containerd (pid ${pid}) from an earlier run`);
  process.kill(pid, 'SIGTERM');
  if (!(await waitGone(pid, 10_000))) {
    process.kill(pid, 'SIGKILL');
    await waitGone(pid, 5_000);
  }
  return true;
}

export async function startContainerdChild(o: ChildOptions): Promise<ContainerdChild> {
  const { paths, log } = o;
  await mkdir(paths.dir, { recursive: true, mode: 0o711 });
  await writeFile(paths.config, renderContainerdConfig(paths), { mode: 0o644 });
  if (await socketAnswers(paths.address)) {
    if (!(await stopLeftover(paths, log))) {
      throw new KedgeError('Conflict', `something already serves ${paths.address} and it is not a containerd kedge started; stop it or pass --containerd-address ${paths.address}`);
    }
  }

  let child: Proc | null = null;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | null = null;
  let backoffMs = 1000;

  function spawn(): Proc {
    // O_APPEND, so the log keeper may copy-truncate this file safely.
    const fd = openSync(paths.log, 'a', 0o640);
    const startedAt = Date.now();
    const p = launch(o.containerdPath, paths.config, fd);
    closeSync(fd);
    child = p;
    if (p.child.pid) void writeFile(`${paths.dir}/containerd.pid`, `${p.child.pid}\n`).catch(() => undefined);
    void p.exited.then((r) => {
      if (child === p) child = null;
      if (stopping) return;
      if (Date.now() - startedAt > 60_000) backoffMs = 1000; // it ran fine for a while: start over
      log(`containerd: exited unexpectedly (${r.error?.message ?? r.signal ?? `code ${r.code}`}); restarting in ${backoffMs} ms; see ${paths.log}`);
      restartTimer = setTimeout(() => { restartTimer = null; if (!stopping) spawn(); }, backoffMs);
      backoffMs = Math.min(backoffMs * 2, 30_000);
    });
    return p;
  }

  async function stop(): Promise<void> {
    stopping = true;
    if (restartTimer) clearTimeout(restartTimer);
    const p = child;
    child = null;
    if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
    p.child.kill('SIGTERM');
    const gone = await Promise.race([p.exited.then(() => true), sleep(o.stopTimeoutMs ?? 10_000).then(() => false)]);
    if (!gone) {
      log('containerd: did not stop after SIGTERM; sending SIGKILL');
      p.child.kill('SIGKILL');
      await p.exited;
    }
    await rm(`${paths.dir}/containerd.pid`, { force: true });
  }

  const first = spawn();
  let exited = false;
  void first.exited.then(() => { exited = true; });
  const deadline = Date.now() + (o.readyTimeoutMs ?? 10_000);
  while (!(await socketAnswers(paths.address, 500))) {
    if (exited || Date.now() > deadline) {
      await stop();
      const why = exited ? 'exited during startup' : `did not answer within ${o.readyTimeoutMs ?? 10_000} ms`;
      throw new KedgeError('ServiceUnavailable', `containerd (${o.containerdPath}) ${why}; last lines of ${paths.log}:\n${await tail(paths.log)}`);
    }
    await sleep(100);
  }
  const v = await containerdVersion(o.ctrPath, paths.address);
  if (!v.ok) {
    await stop();
    throw new KedgeError('ServiceUnavailable', `containerd at ${paths.address} accepts connections but ctr version failed: ${v.error}`);
  }
  log(`containerd: started ${v.version} (pid ${first.child.pid}) at ${paths.address}`);
  return { version: v.version, stop };
}
