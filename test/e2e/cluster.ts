import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { containerdPaths } from '../../agent/containerd/config.js';
import { createApiClient, type ApiClient } from '../../shared/client.js';
import { isNodeReady, type Node } from '../../shared/node.js';
import { supervise, waitFor, type Proc } from '../fixtures/child.js';
import { buildTestImage, type TestImageOptions } from '../fixtures/image.js';
import { releasePodNamespaces, removeNodeNetwork } from '../fixtures/node-network.js';

export { waitFor, type Proc };

export const repoRoot = resolve(import.meta.dirname, '../..');
export const kedgeBin = join(repoRoot, 'bin', 'kedge.mjs');

/** Why the real-component tests cannot run here, or null when they can. */
export function e2eSkipReason(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (containerd)';
  for (const bin of ['containerd', 'ctr', 'runc', 'busybox']) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) return `${bin} is not installed`;
  }
  return null;
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

export function tempDir(prefix: string): string {
  // Short paths: containerd's socket path must stay under 108 characters.
  const base = join(tmpdir(), 'kedge-e2e');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${prefix}-`));
}

/** Runs `kedge ARGS` as a child process, keeping its output for assertions and post-mortems. */
export function startKedge(args: string[], env: Record<string, string> = {}): Proc {
  return supervise(spawn(process.execPath, [kedgeBin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Runs a kedge CLI command to completion. */
export function kedge(args: string[], env: Record<string, string> = {}, input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [kedgeBin, ...args], { env: { ...process.env, ...env }, input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function ctr(address: string, args: string[]): string {
  const r = spawnSync('ctr', ['-a', address, '-n', 'kedge', ...args], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`ctr ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Running tasks as [{id, pid}] from `ctr task ls`. */
export function runningTasks(address: string): { id: string; pid: number }[] {
  return ctr(address, ['task', 'ls'])
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && f[2] === 'RUNNING')
    .map((f) => ({ id: f[0]!, pid: Number(f[1]) }));
}

export interface Cluster {
  dir: string;
  server: Proc;
  serverDataDir: string;
  agentDataDir: string;
  httpsPort: number;
  mqttPort: number;
  url: string;
  kubeconfig: string;
  token: string;
  containerdAddress: string;
  client: ApiClient;
  agents: Map<string, Proc>;
  startAgent(name: string, extra?: string[]): Proc;
  /** Waits for the node's Ready condition to be True; a timeout's error carries `diagnose()`'s output. */
  nodeReady(name: string, timeoutMs?: number, diagnose?: () => string): Promise<Node>;
  stop(): Promise<void>;
}

/** A prepareAgentDir that puts test images (default: busybox:test) into the agent's air-gap folder. */
export function withTestImages(...images: Omit<TestImageOptions, 'outFile'>[]): (dir: string) => Promise<void> {
  const wanted = images.length ? images : [{}];
  return async (dir) => {
    mkdirSync(join(dir, 'images'), { recursive: true });
    for (const [i, image] of wanted.entries()) await buildTestImage({ ...image, outFile: join(dir, 'images', `test-image-${i}.tar`) });
  };
}

/** A server (with its own node "server-0") on loopback, in a fresh temp dir, with the test image in the air-gap folders. */
export async function startCluster(o: { prepareAgentDir?: (dir: string) => Promise<void> } = {}): Promise<Cluster> {
  const dir = tempDir('c');
  const serverDataDir = join(dir, 'server');
  const agentDataDir = join(dir, 'agent');
  await o.prepareAgentDir?.(agentDataDir);
  const httpsPort = await freePort();
  const mqttPort = await freePort();
  const server = startKedge([
    'server', '--data-dir', serverDataDir, '--bind-address', '127.0.0.1', '--https-port', String(httpsPort),
    '--mqtt-port', String(mqttPort), '--node-name', 'server-0', '--agent-data-dir', agentDataDir,
  ]);
  const url = `https://127.0.0.1:${httpsPort}`;
  const kubeconfig = join(serverDataDir, 'kedge.yaml');
  await waitFor('the server to write its kubeconfig and token', () => existsSync(kubeconfig) && existsSync(join(serverDataDir, 'token')), 60_000).catch((e) => {
    throw new Error(`${(e as Error).message}\nserver output:\n${server.output()}`);
  });
  const token = readFileSync(join(serverDataDir, 'token'), 'utf8').trim();
  const ca = readFileSync(join(serverDataDir, 'tls', 'ca.crt'), 'utf8');
  const adminToken = readFileSync(join(serverDataDir, 'admin-token'), 'utf8').trim();
  const client = createApiClient({ server: url, ca, token: adminToken });
  await waitFor('/readyz', async () => (await client.request<string>('GET', '/readyz')) !== undefined, 30_000);
  const containerdAddress = join(agentDataDir, 'containerd', 'containerd.sock');
  const agents = new Map<string, Proc>();
  return {
    dir, server, serverDataDir, agentDataDir, httpsPort, mqttPort, url, kubeconfig, token, containerdAddress, client, agents,
    startAgent(name: string, extra: string[] = []) {
      const p = startKedge(['agent', '--server', url, '--token', token, '--node-name', name, '--data-dir', join(dir, name), '--containerd-address', containerdAddress, ...extra]);
      agents.set(name, p);
      return p;
    },
    nodeReady(name: string, timeoutMs = 60_000, diagnose = () => `server output:\n${server.output().slice(-4000)}`) {
      return waitFor(`${name} Ready`, async () => {
        const n = await client.get<Node>('Node', undefined, name).catch(() => undefined);
        return n && isNodeReady(n) ? n : undefined;
      }, timeoutMs).catch((e: Error) => {
        throw new Error(`${e.message}\n${diagnose()}`);
      });
    },
    async stop() {
      for (const a of agents.values()) await a.stop();
      await server.stop();
      // containerd first: a task it was still starting would otherwise get its shim after the sweep.
      killContainerd(agentDataDir);
      killLeftoverTasks(agentDataDir);
      // The server's own node ran in this network namespace: what its pod network left goes too.
      releasePodNamespaces(['server-0', ...agents.keys()]);
      removeNodeNetwork();
      if (!process.env.KEEP_E2E) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Kills every kedge task and removes the containers, so nothing outlives a test. */
export function cleanupContainers(address: string): void {
  if (!existsSync(address)) return;
  try {
    for (const t of ctr(address, ['task', 'ls', '-q']).split('\n').filter(Boolean)) {
      spawnSync('ctr', ['-a', address, '-n', 'kedge', 'task', 'kill', '-s', 'SIGKILL', t]);
    }
    for (let i = 0; i < 20 && runningTasks(address).length > 0; i++) spawnSync('sleep', ['0.1']);
    for (const t of ctr(address, ['task', 'ls', '-q']).split('\n').filter(Boolean)) spawnSync('ctr', ['-a', address, '-n', 'kedge', 'task', 'rm', '-f', t]);
    for (const c of ctr(address, ['containers', 'ls', '-q']).split('\n').filter(Boolean)) spawnSync('ctr', ['-a', address, '-n', 'kedge', 'containers', 'rm', c]);
  } catch {
    // best effort
  }
}

/**
 * Containers outlive their agent and its containerd on purpose (edge autonomy); a test must not
 * leave them behind. With containerd gone, the shims' pid files under the state dir are what is left.
 */
export function killLeftoverTasks(agentDataDir: string): void {
  const tasks = join(containerdPaths(agentDataDir).state, 'io.containerd.runtime.v2.task');
  if (!existsSync(tasks)) return;
  for (const ns of readdirSync(tasks)) {
    for (const id of readdirSync(join(tasks, ns))) {
      const dir = join(tasks, ns, id);
      for (const f of ['init.pid', 'shim.pid']) {
        const pid = Number(readFileSafe(join(dir, f)));
        if (pid > 1) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      spawnSync('umount', ['-l', join(dir, 'rootfs')]);
    }
  }
  killShimsOf(containerdPaths(agentDataDir).address);
}

/** Shims whose task directory is already gone (a clean-up cut short) are found by their -address. */
function killShimsOf(address: string): void {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const args = readFileSafe(join('/proc', pid, 'cmdline')).split('\0');
    if (!args[0]?.endsWith('containerd-shim-runc-v2')) continue;
    if (args[args.indexOf('-address') + 1] !== address) continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The agent leaves its containerd child running on purpose (edge autonomy); tests must not. */
export function killContainerd(agentDataDir: string): void {
  const pattern = `containerd --config ${join(agentDataDir, 'containerd')}`;
  spawnSync('pkill', ['-KILL', '-f', pattern]);
  for (let i = 0; i < 20 && spawnSync('pgrep', ['-f', pattern]).status === 0; i++) spawnSync('sleep', ['0.1']);
}
