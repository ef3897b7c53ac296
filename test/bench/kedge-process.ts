/** Runs the real `kedge` CLI as a child process: under tsx, as a plain bundle, or as the single executable. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleModule, repoRoot } from './bundled.js';
import { binaryName, linuxArch } from '../../server/api/distribution.js';
import { supervise, waitFor } from '../fixtures/child.js';
import { createLoadClient, probe, type LoadClient } from './http.js';
import type { Scope } from './scope.js';

export { repoRoot };

/** tsx: the development entry (bin/kedge.mjs); bundle: cli/main.ts bundled by esbuild, run by node; sea: dist/kedge-linux-*. */
export type RuntimeName = 'tsx' | 'bundle' | 'sea';

export interface Runtime {
  name: RuntimeName;
  file: string;
  args: string[];
  /** Node flags (--cpu-prof…) can be passed. */
  isNode: boolean;
  description: string;
}

/** Where `npm run build` puts the single executable for this machine. */
export function seaPath(): string {
  return join(repoRoot, 'dist', binaryName(linuxArch()));
}

/** Short paths: containerd socket paths must stay under 108 characters. */
export function benchTempDir(prefix: string): string {
  const base = join(tmpdir(), 'kedge-bench');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${prefix}-`));
}

/** cli/main.ts bundled into dir/kedge.mjs. */
export function buildBundle(dir: string): Promise<string> {
  return bundleModule(join(repoRoot, 'cli', 'main.ts'), dir, 'kedge.mjs');
}

export async function prepareRuntime(name: RuntimeName, workDir: string, nodeArgs: string[] = []): Promise<Runtime> {
  switch (name) {
    case 'tsx':
      return { name, file: process.execPath, args: [...nodeArgs, join(repoRoot, 'bin', 'kedge.mjs')], isNode: true, description: 'node bin/kedge.mjs (tsx loader, compiles TypeScript at start)' };
    case 'bundle': {
      const dir = join(workDir, 'bundle');
      mkdirSync(dir, { recursive: true });
      const file = existsSync(join(dir, 'kedge.mjs')) ? join(dir, 'kedge.mjs') : await buildBundle(dir);
      return { name, file: process.execPath, args: [...nodeArgs, file], isNode: true, description: 'node kedge.mjs (esbuild bundle of cli/main.ts, better-sqlite3 external)' };
    }
    case 'sea': {
      const file = seaPath();
      if (!existsSync(file)) throw new Error(`${file} does not exist: run "npm run build" first, or choose --runtime tsx|bundle`);
      // dist/ is whatever was built last: say when, so a stale binary is noticed.
      return { name, file, args: [], isNode: false, description: `${file.slice(repoRoot.length + 1)} (single executable built ${statSync(file).mtime.toISOString()})` };
    }
  }
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

export interface KedgeProcess {
  pid: number;
  child: ChildProcess;
  /** The last 64 KiB of its stdout and stderr. */
  output(): string;
  /** Bytes written to stdout and stderr so far (what journald or a log file would store). */
  outputBytes(): number;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Node flags, e.g. --cpu-prof; ignored for the single executable. */
  nodeArgs?: string[];
  /** Called with every chunk of output (for scenarios that wait for a log line). */
  onOutput?: (text: string) => void;
}

export function spawnKedge(rt: Runtime, args: string[], o: SpawnOptions = {}): KedgeProcess {
  const argv = [...(rt.isNode ? (o.nodeArgs ?? []) : []), ...rt.args, ...args];
  const child = spawn(rt.file, argv, { env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return { pid: child.pid!, ...supervise(child, { keepBytes: 64 * 1024, graceMs: 15_000, onOutput: o.onOutput }) };
}

export { waitFor };

export interface ServerHandle {
  proc: KedgeProcess;
  runtime: Runtime;
  dataDir: string;
  url: string;
  httpsPort: number;
  mqttPort: number;
  joinToken: string;
  adminToken: string;
  ca: string;
  /** Milliseconds from spawn to the first /readyz 200. */
  readyMs: number;
  /** A keep-alive client with the admin token. */
  client: LoadClient;
  stop(): Promise<void>;
}

export interface ServerOptions {
  runtime: Runtime;
  dataDir: string;
  disableAgent?: boolean;
  /** Where it listens and is reached (default 127.0.0.1). */
  bindAddress?: string;
  containerdAddress?: string;
  nodeName?: string;
  agentDataDir?: string;
  extraArgs?: string[];
  spawn?: SpawnOptions;
  readyTimeoutMs?: number;
  connections?: number;
}

/** Starts `kedge server` on loopback and waits for /readyz; the scope stops it. */
export async function startServer(o: ServerOptions, scope: Scope): Promise<ServerHandle> {
  const httpsPort = await freePort();
  const mqttPort = await freePort();
  const args = [
    'server', '--data-dir', o.dataDir, '--bind-address', o.bindAddress ?? '127.0.0.1', '--https-port', String(httpsPort), '--mqtt-port', String(mqttPort),
    '--node-name', o.nodeName ?? 'server-0', '--agent-data-dir', o.agentDataDir ?? join(o.dataDir, '..', `${o.nodeName ?? 'server-0'}-agent`),
    ...(o.disableAgent ? ['--disable-agent'] : []),
    ...(o.containerdAddress ? ['--containerd-address', o.containerdAddress] : []),
    ...(o.extraArgs ?? []),
  ];
  const url = `https://${o.bindAddress ?? '127.0.0.1'}:${httpsPort}`;
  const t0 = performance.now();
  const proc = spawnKedge(o.runtime, args, o.spawn);
  // A profiled server writes its profile on a clean exit, which a busy one may take a while to reach.
  const graceMs = o.spawn?.nodeArgs?.some((a) => a.startsWith('--cpu-prof')) ? 180_000 : 15_000;
  scope.defer(`kedge server ${o.dataDir}`, () => proc.stop('SIGTERM', graceMs));
  const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000);
  let readyMs = NaN;
  while (Date.now() < deadline) {
    if ((await probe(`${url}/readyz`, 500)) === 200) {
      readyMs = performance.now() - t0;
      break;
    }
    if (proc.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  if (Number.isNaN(readyMs)) throw new Error(`kedge server did not answer /readyz (exit code ${proc.child.exitCode}); output:\n${proc.output().slice(-4000)}`);
  const joinToken = readFileSync(join(o.dataDir, 'token'), 'utf8').trim();
  const adminToken = readFileSync(join(o.dataDir, 'admin-token'), 'utf8').trim();
  const ca = readFileSync(join(o.dataDir, 'tls', 'ca.crt'), 'utf8');
  const client = createLoadClient({ url, ca, token: adminToken, connections: o.connections ?? 16 });
  scope.defer('api client', () => client.close());
  return {
    proc, runtime: o.runtime, dataDir: o.dataDir, url, httpsPort, mqttPort, joinToken, adminToken, ca, readyMs, client,
    async stop() {
      client.close();
      await proc.stop('SIGTERM', graceMs);
    },
  };
}

/** Starts `kedge agent` joined to a server. */
export function startAgent(rt: Runtime, server: Pick<ServerHandle, 'url' | 'joinToken'>, o: { name: string; dataDir: string; containerdAddress: string; spawn?: SpawnOptions }, scope: Scope): KedgeProcess {
  const proc = spawnKedge(rt, ['agent', '--server', server.url, '--token', server.joinToken, '--node-name', o.name, '--data-dir', o.dataDir, '--containerd-address', o.containerdAddress], o.spawn);
  scope.defer(`kedge agent ${o.name}`, () => proc.stop());
  return proc;
}

export function removeDir(dir: string, keep: boolean): void {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
