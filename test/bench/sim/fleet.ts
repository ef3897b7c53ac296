/** Simulated agents in child processes: grown in steps, driven and observed over IPC. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { caMatches, parseJoinToken } from '../../../shared/token.js';
import { bundleModule } from '../bundled.js';
import { probe } from '../http.js';
import type { Scope } from '../scope.js';
import type { ChildProgress, FromChild, ToChild } from './protocol.js';

/** Node i's loopback source address: each simulated node is its own machine to per-address limits. */
export function simAddress(i: number): string {
  return `127.1.${Math.floor(i / 250)}.${1 + (i % 250)}`;
}

export function simNodeName(i: number): string {
  return `sim-${String(i).padStart(5, '0')}`;
}

interface Child {
  proc: ChildProcess;
  first: number;
  count: number;
  last?: ChildProgress;
  stderr: string;
}

export interface FleetTotals {
  nodes: number;
  joined: number;
  joinFailed: number;
  connected: number;
  connectFailed: number;
  podsRunning: number;
  desiredMessages: number;
  changes: number;
  errors: number;
  lastError?: string;
  joinDone: boolean;
  connectDone: boolean;
  childRssMB: number[];
}

/** GET /cacerts without trust, checked against the token's hash, as the agent does before sending the token. */
async function fetchCa(url: string, token: string): Promise<string> {
  const https = await import('node:https');
  const pem = await new Promise<string>((resolve, reject) => {
    https.get(`${url}/cacerts`, { rejectUnauthorized: false }, (res) => {
      let s = '';
      res.on('data', (d: Buffer) => (s += d));
      res.on('end', () => resolve(s));
    }).on('error', reject);
  });
  if (!caMatches(parseJoinToken(token), pem)) throw new Error('the server CA does not match the join token');
  return pem;
}

/** The soft limit on open files that this process (and so the server and the children) inherit. */
export function openFileLimit(): number {
  const r = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const n = Number(r.stdout.trim());
  return r.stdout.trim() === 'unlimited' ? Infinity : Number.isFinite(n) ? n : 1024;
}

export async function startFleet(o: { url: string; joinToken: string; workDir: string; heartbeatMs: number; perProcess: number; scope: Scope; log: (m: string) => void }) {
  if ((await probe(`${o.url}/readyz`)) !== 200) throw new Error(`${o.url} is not ready`);
  const fdLimit = openFileLimit();
  const ca = await fetchCa(o.url, o.joinToken);
  const bundle = await bundleModule(join(import.meta.dirname, 'fleet-child.ts'), join(o.workDir, 'fleet-child'));
  const children: Child[] = [];
  const joinMs: number[] = [];
  let fatal: string | undefined;
  let size = 0;

  const stopChild = (c: Child) =>
    new Promise<void>((resolve) => {
      if (c.proc.exitCode !== null || c.proc.signalCode !== null) return resolve();
      const t = setTimeout(() => c.proc.kill('SIGKILL'), 10_000);
      c.proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      if (c.proc.connected) c.proc.send({ cmd: 'stop' } satisfies ToChild);
      else c.proc.kill('SIGTERM');
    });
  o.scope.defer('simulated agents', () => Promise.all(children.map(stopChild)).then(() => undefined));

  function spawnChild(first: number, count: number): Child {
    const proc = spawn(process.execPath, [bundle], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const c: Child = { proc, first, count, stderr: '' };
    proc.stderr!.on('data', (d: Buffer) => {
      c.stderr = (c.stderr + d.toString()).slice(-8000);
    });
    proc.on('message', (m: FromChild) => {
      if (m.ev === 'fatal') fatal = m.message;
      else {
        c.last = m;
        joinMs.push(...m.joinMs);
      }
    });
    proc.on('exit', (code, sig) => {
      if (code !== 0 && sig !== 'SIGKILL' && sig !== 'SIGTERM') fatal ??= `a fleet child exited with ${code ?? sig}: ${c.stderr.slice(-2000)}`;
    });
    return c;
  }

  return {
    /** Adds simulated nodes up to `total`, in children of at most perProcess nodes each. */
    grow(total: number, joinConcurrency = 8, connectConcurrency = 50) {
      // The server holds one socket per node and each child one per node it runs, all under one limit.
      if (total + 256 > fdLimit || o.perProcess + 64 > fdLimit) {
        throw new Error(`ulimit -n is ${fdLimit}: too low for ${total} simulated nodes (${o.perProcess} per process); raise it (ulimit -n 65536) or pass a smaller --fleet`);
      }
      for (let first = size; first < total; first += o.perProcess) {
        const count = Math.min(o.perProcess, total - first);
        const c = spawnChild(first, count);
        children.push(c);
        const nodes = Array.from({ length: count }, (_, k) => ({ name: simNodeName(first + k), localAddress: simAddress(first + k) }));
        c.proc.send({ cmd: 'init', server: { url: o.url, joinToken: o.joinToken, ca }, nodes, heartbeatMs: o.heartbeatMs, joinConcurrency, connectConcurrency } satisfies ToChild);
      }
      size = Math.max(size, total);
    },
    /** Container restarts per second over the whole fleet (0 stops them). */
    changes(perSecond: number) {
      const share = perSecond / Math.max(1, size);
      for (const c of children) c.proc.send({ cmd: 'changes', perSecond: share * c.count } satisfies ToChild);
    },
    totals(): FleetTotals {
      if (fatal) throw new Error(`fleet: ${fatal}`);
      const t: FleetTotals = { nodes: size, joined: 0, joinFailed: 0, connected: 0, connectFailed: 0, podsRunning: 0, desiredMessages: 0, changes: 0, errors: 0, joinDone: true, connectDone: true, childRssMB: [] };
      for (const c of children) {
        const p = c.last;
        if (!p) {
          t.joinDone = t.connectDone = false;
          continue;
        }
        t.joined += p.joined;
        t.joinFailed += p.joinFailed;
        t.connected += p.connected;
        t.connectFailed += p.connectFailed;
        t.podsRunning += p.podsRunning;
        t.desiredMessages += p.desiredMessages;
        t.changes += p.changes;
        t.errors += p.errors;
        t.lastError = p.lastError ?? t.lastError;
        t.joinDone &&= p.done.join;
        t.connectDone &&= p.done.connect;
        t.childRssMB.push(Math.round(p.rssMB));
      }
      return t;
    },
    joinLatencies: () => joinMs,
    processes: () => children.length,
  };
}

export type Fleet = Awaited<ReturnType<typeof startFleet>>;
