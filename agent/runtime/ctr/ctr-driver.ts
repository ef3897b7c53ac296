/** RuntimeDriver over containerd's `ctr` CLI: every call is one short `ctr` process. */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { KedgeError } from '../../../shared/errors.js';
import { normalizeImageRef } from '../../images/ref.js';
import type { ContainerInfo, ContainerSpec, ExecResult, RuntimeDriver, TaskExit } from '../driver.js';
import { createCtrRunner, ctrMessage, isNotFound } from './ctr-command.js';
import { createExitStream } from './events.js';
import { createImageConfigReader } from './image-config.js';
import { importTarball } from './import.js';
import { checkId, logUri, needsImageEntrypoint, processArgs, runArgs, type CpuFlagSupport } from './run-args.js';
import { parseContainerList, parseImageList, parseServerVersion, parseTaskList, type TaskRow } from './table.js';
import { waitForExit } from './wait.js';

export interface CtrDriverOptions {
  address: string;
  /** containerd namespace; default 'kedge'. */
  namespace?: string;
  ctrPath?: string;
  zstdPath?: string;
  log?: (m: string) => void;
  /** runc state dir for new containers (ContainerdHandle.runcRoot); default runc's own. */
  runcRoot?: string;
  /** Timeout of ordinary ctr calls; default 30 s. */
  timeoutMs?: number;
  pullTimeoutMs?: number;
  importTimeoutMs?: number;
  /** Random exec ids; injectable for tests. */
  randomId?: () => string;
}

/** Label filter for `ctr containers ls`: one filter with commas, because separate filters are ORed. */
export function labelFilter(labels: Record<string, string>): string[] {
  const parts = Object.entries(labels).map(([k, v]) => `labels.${JSON.stringify(k)}==${JSON.stringify(v)}`);
  return parts.length ? [parts.join(',')] : [];
}

export function createCtrDriver(o: CtrDriverOptions): RuntimeDriver {
  const namespace = o.namespace ?? 'kedge';
  const log = o.log ?? (() => {});
  const timeoutMs = o.timeoutMs ?? 30_000;
  const randomId = o.randomId ?? (() => randomBytes(6).toString('hex'));
  const ctr = createCtrRunner({ address: o.address, namespace, ctrPath: o.ctrPath ?? 'ctr' });
  const images = createImageConfigReader(ctr);
  const exits = createExitStream({ ctr, namespace, log });
  /** Container labels never change after creation, so `ctr c info` runs once per container. */
  const labelCache = new Map<string, { image: string; labels: Record<string, string> }>();
  let cpuSupport: CpuFlagSupport | null = null;

  async function cpuFlags(): Promise<CpuFlagSupport> {
    if (!cpuSupport) {
      const help = await ctr.run(['run', '--help']);
      cpuSupport = { cpus: /--cpus\b/.test(help.stdout + help.stderr) };
    }
    return cpuSupport;
  }

  async function task(id: string): Promise<TaskRow | undefined> {
    return parseTaskList(await ctr.ok(['tasks', 'ls'], { timeoutMs })).find((t) => t.id === id);
  }

  /** Runs a ctr call where "not found" means the work is already done. */
  async function idempotent(args: string[]): Promise<void> {
    const r = await ctr.run(args, { timeoutMs });
    if (r.exitCode !== 0 && !isNotFound(r.stderr)) {
      throw new KedgeError('InternalError', `ctr ${args.slice(0, 2).join(' ')} ${args.at(-1)}: ${ctrMessage(r.stderr)}`);
    }
  }

  async function stop(id: string, graceSeconds: number): Promise<void> {
    checkId(id);
    const t = await task(id);
    if (!t) return;
    if (t.status === 'running' || t.status === 'paused') {
      let gone = false;
      if (graceSeconds > 0) {
        await idempotent(['tasks', 'kill', '-s', 'SIGTERM', id]);
        gone = await waitForExit(t.pid, graceSeconds * 1000);
      }
      if (!gone) {
        await idempotent(['tasks', 'kill', '-a', '-s', 'SIGKILL', id]);
        if (!(await waitForExit(t.pid, 10_000))) log(`runtime: task ${id} (pid ${t.pid}) survived SIGKILL for 10 s`);
      }
    }
    // -f: the shim may still report RUNNING for a moment after the process died.
    await idempotent(['tasks', 'rm', '-f', id]);
  }

  async function containerLabels(id: string, image: string): Promise<Record<string, string> | null> {
    const hit = labelCache.get(id);
    if (hit && hit.image === image) return hit.labels;
    const r = await ctr.run(['containers', 'info', id], { timeoutMs });
    if (r.exitCode !== 0) {
      if (isNotFound(r.stderr)) return null;
      throw new KedgeError('InternalError', `ctr containers info ${id}: ${ctrMessage(r.stderr)}`);
    }
    const info = JSON.parse(r.stdout) as { Labels?: Record<string, string> | null };
    const labels = info.Labels ?? {};
    labelCache.set(id, { image, labels });
    return labels;
  }

  return {
    async version() {
      const v = parseServerVersion(await ctr.ok(['version'], { timeoutMs }));
      if (!v) throw new KedgeError('ServiceUnavailable', `containerd at ${o.address} did not report a server version`);
      return `containerd ${v.replace(/[~+].*$/, '')}`; // drop distro suffixes like "~ds1"
    },

    async imageExists(ref) {
      const name = normalizeImageRef(ref);
      return parseImageList(await ctr.ok(['images', 'ls', `name==${JSON.stringify(name)}`], { timeoutMs })).some((r) => r.ref === name);
    },

    importImage(tarPath) {
      return importTarball(ctr, resolve(tarPath), o.zstdPath ?? 'zstd', o.importTimeoutMs ?? 10 * 60_000);
    },

    async pullImage(ref) {
      const name = normalizeImageRef(ref);
      const r = await ctr.run(['images', 'pull', name], { timeoutMs: o.pullTimeoutMs ?? 10 * 60_000 });
      if (r.exitCode !== 0) {
        throw new KedgeError(isNotFound(r.stderr) ? 'NotFound' : 'ServiceUnavailable', `pulling image ${name} failed: ${ctrMessage(r.stderr)}`);
      }
    },

    async create(spec: ContainerSpec) {
      checkId(spec.id);
      const image = normalizeImageRef(spec.image);
      const entrypoint = needsImageEntrypoint(spec) ? (await images.get(image)).entrypoint : [];
      const argv = processArgs(spec, entrypoint);
      const logPath = resolve(spec.logPath);
      const cpu = spec.cpuLimitMillis !== undefined ? await cpuFlags() : { cpus: true };
      const args = runArgs({ ...spec, image, logPath }, argv, cpu, o.runcRoot);
      await mkdir(dirname(logPath), { recursive: true });
      const r = await ctr.run(args, { timeoutMs: Math.max(timeoutMs, 120_000) });
      if (r.exitCode === 0) return;
      const msg = ctrMessage(r.stderr);
      if (/already exists/.test(msg)) throw new KedgeError('AlreadyExists', `container ${spec.id} already exists: ${msg}`);
      // ctr leaves the container behind when its task fails to start; drop it so a retry can create it again.
      await ctr.run(['tasks', 'rm', '-f', spec.id], { timeoutMs }).catch(() => undefined);
      await ctr.run(['containers', 'rm', spec.id], { timeoutMs }).catch(() => undefined);
      throw new KedgeError(/image .* not found/.test(msg) ? 'NotFound' : 'InternalError', `creating container ${spec.id} from ${image} failed: ${msg}`);
    },

    async restart(id, logPath) {
      checkId(id);
      const path = resolve(logPath);
      await mkdir(dirname(path), { recursive: true });
      const t = await task(id);
      if (t?.status === 'running') throw new KedgeError('Conflict', `container ${id} still has a running task; stop it before restarting`);
      if (t) await idempotent(['tasks', 'rm', id]);
      const r = await ctr.run(['tasks', 'start', '-d', '--log-uri', logUri(path), id], { timeoutMs: Math.max(timeoutMs, 60_000) });
      if (r.exitCode !== 0) {
        throw new KedgeError(isNotFound(r.stderr) ? 'NotFound' : 'InternalError', `restarting container ${id} failed: ${ctrMessage(r.stderr)}`);
      }
    },

    stop,

    async remove(id) {
      checkId(id);
      await stop(id, 0);
      await idempotent(['containers', 'rm', id]);
      labelCache.delete(id);
    },

    async list(labels) {
      const [cl, tl] = await Promise.all([
        ctr.ok(['containers', 'ls', ...labelFilter(labels)], { timeoutMs }),
        ctr.ok(['tasks', 'ls'], { timeoutMs }),
      ]);
      const tasks = new Map(parseTaskList(tl).map((t) => [t.id, t]));
      const out: ContainerInfo[] = [];
      for (const c of parseContainerList(cl)) {
        const l = await containerLabels(c.id, c.image);
        if (!l) continue; // removed while we listed
        const t = tasks.get(c.id);
        out.push({ id: c.id, image: c.image, labels: l, task: t ? { status: t.status, pid: t.pid } : null });
      }
      if (Object.keys(labels).length === 0) {
        for (const id of labelCache.keys()) if (!out.some((c) => c.id === id)) labelCache.delete(id);
      }
      return out;
    },

    onExit(listener: (e: TaskExit) => void) {
      return exits.subscribe(listener);
    },

    exitStreamGeneration: () => exits.generation(),

    async exec(id, args, execTimeoutMs = 30_000): Promise<ExecResult> {
      checkId(id);
      if (args.length === 0) throw new KedgeError('Invalid', `exec in ${id}: command must not be empty`);
      const execId = `exec-${randomId()}`;
      let r;
      try {
        r = await ctr.run(['tasks', 'exec', '--exec-id', execId, '--', id, ...args], { timeoutMs: execTimeoutMs });
      } catch (err) {
        if (err instanceof KedgeError && err.code === 'Timeout') {
          await ctr.run(['tasks', 'kill', '--exec-id', execId, '-s', 'SIGKILL', id], { timeoutMs }).catch(() => undefined);
          throw new KedgeError('Timeout', `exec in ${id} did not finish within ${execTimeoutMs} ms and was killed`, { cause: err });
        }
        throw err;
      }
      // ctr's own failures (no such container, task stopped, binary missing) end stderr with "ctr: …".
      const last = r.stderr.trimEnd().split('\n').at(-1) ?? '';
      if (r.exitCode !== 0 && last.startsWith('ctr: ')) {
        const msg = ctrMessage(r.stderr);
        const code = isNotFound(r.stderr) && !/executable file not found/.test(msg) ? 'NotFound' : /stopped state/.test(msg) ? 'Conflict' : 'BadRequest';
        throw new KedgeError(code, `exec in ${id} failed: ${msg}`);
      }
      return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    },

    close() {
      return exits.close();
    },
  };
}
