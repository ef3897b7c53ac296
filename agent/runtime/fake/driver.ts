import { KedgeError } from '../../../shared/errors.js';
import type { ContainerInfo, ContainerSpec, ExecResult, RuntimeDriver, TaskExit, TaskStatus } from '../driver.js';

type Op = 'pull' | 'import' | 'create' | 'restart' | 'stop' | 'remove' | 'list' | 'exec';

export interface FakeContainer {
  spec: ContainerSpec;
  task: { status: TaskStatus; pid?: number } | null;
  /** Log paths of every task started, in order. */
  logPaths: string[];
}

export interface FakeDriver extends RuntimeDriver {
  readonly images: Set<string>;
  readonly containers: Map<string, FakeContainer>;
  /** Every driver call in order, e.g. "create web-1", "pull docker.io/library/nginx:1". */
  readonly calls: string[];
  /** The fake registry: refs that pullImage can fetch; undefined means any ref. */
  registry?: Set<string>;
  /** Tarballs importImage knows: path → image names. */
  readonly tarballs: Map<string, string[]>;
  /** Makes the next call(s) of an operation fail with this message. */
  failNext(op: Op, message: string, times?: number): void;
  /** Ends a container's task as if its process exited. */
  exit(id: string, exitCode: number): void;
  /** Adds a container as if someone else (another agent, an earlier run) created it. */
  adopt(spec: ContainerSpec, status?: TaskStatus | null): void;
  execHandler?: (id: string, args: string[]) => ExecResult;
  /**
   * How a container's process answers SIGTERM: exits with code 0 after that many ms, or ignores it
   * until SIGKILL. Containers not listed exit at once with 143, as a process without a handler does.
   */
  readonly sigterm: Map<string, number | 'ignore'>;
  /** Signals stop() sent to processes that answer SIGTERM their own way (see sigterm), with the time. */
  readonly signals: { id: string; signal: 'SIGTERM' | 'SIGKILL'; at: number }[];
}

/** An in-memory RuntimeDriver for tests: controllable images, exits and failures (like Nomad's drivers/mock). */
export function createFakeDriver(o: { now?: () => number; version?: string; setTimer?: (fn: () => void, ms: number) => unknown } = {}): FakeDriver {
  const now = o.now ?? Date.now;
  const setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const sleep = (ms: number) => new Promise<void>((resolve) => void setTimer(resolve, ms));
  const sigterm = new Map<string, number | 'ignore'>();
  const signals: FakeDriver['signals'] = [];
  const images = new Set<string>();
  const containers = new Map<string, FakeContainer>();
  const calls: string[] = [];
  const tarballs = new Map<string, string[]>();
  const failures = new Map<Op, { message: string; times: number }>();
  const listeners = new Set<(e: TaskExit) => void>();
  let pid = 1000;

  function maybeFail(op: Op): void {
    const f = failures.get(op);
    if (!f) return;
    if (--f.times <= 0) failures.delete(op);
    throw new KedgeError('InternalError', f.message);
  }

  function emit(id: string, exitCode: number): void {
    const e: TaskExit = { id, exitCode, exitedAt: new Date(now()).toISOString() };
    for (const l of [...listeners]) l(e);
  }

  function get(id: string): FakeContainer {
    const c = containers.get(id);
    if (!c) throw new KedgeError('NotFound', `container ${id} not found`);
    return c;
  }

  const driver: FakeDriver = {
    images,
    containers,
    calls,
    sigterm,
    signals,
    tarballs,
    registry: undefined,
    async version() {
      return o.version ?? 'fake 1.0.0';
    },
    async imageExists(ref) {
      return images.has(ref);
    },
    async importImage(tarPath) {
      calls.push(`import ${tarPath}`);
      maybeFail('import');
      const names = tarballs.get(tarPath);
      if (!names) throw new KedgeError('Invalid', `${tarPath}: not an image archive`);
      for (const n of names) images.add(n);
      return names;
    },
    async pullImage(ref) {
      calls.push(`pull ${ref}`);
      maybeFail('pull');
      if (driver.registry && !driver.registry.has(ref)) throw new KedgeError('NotFound', `pull ${ref}: not found`);
      images.add(ref);
    },
    async create(spec) {
      calls.push(`create ${spec.id}`);
      maybeFail('create');
      if (containers.has(spec.id)) throw new KedgeError('AlreadyExists', `container ${spec.id} already exists`);
      if (!images.has(spec.image)) throw new KedgeError('NotFound', `image ${spec.image} not found`);
      containers.set(spec.id, { spec: structuredClone(spec), task: { status: 'running', pid: ++pid }, logPaths: [spec.logPath] });
    },
    async restart(id, logPath) {
      calls.push(`restart ${id}`);
      maybeFail('restart');
      const c = get(id);
      if (c.task?.status === 'running') throw new KedgeError('Conflict', `container ${id} is already running`);
      c.task = { status: 'running', pid: ++pid };
      c.logPaths.push(logPath);
    },
    async stop(id, graceSeconds) {
      calls.push(`stop ${id} ${graceSeconds}`);
      maybeFail('stop');
      const c = get(id);
      const wasRunning = c.task?.status === 'running';
      const answer = sigterm.get(id);
      if (!wasRunning || answer === undefined) {
        c.task = null;
        if (wasRunning) emit(id, 143);
        return;
      }
      // As the ctr driver does: SIGTERM, then SIGKILL once the grace period is over (at once without one).
      const exitsAfter = answer === 'ignore' ? Infinity : answer;
      if (graceSeconds > 0) {
        signals.push({ id, signal: 'SIGTERM', at: now() });
        await sleep(Math.min(exitsAfter, graceSeconds * 1000));
        if (c.task === null) return; // a second, shorter stop ended it meanwhile
      }
      const clean = graceSeconds > 0 && exitsAfter <= graceSeconds * 1000;
      if (!clean) signals.push({ id, signal: 'SIGKILL', at: now() });
      c.task = null;
      emit(id, clean ? 0 : 137);
    },
    async remove(id) {
      calls.push(`remove ${id}`);
      maybeFail('remove');
      if (!containers.delete(id)) throw new KedgeError('NotFound', `container ${id} not found`);
    },
    async list(labels) {
      maybeFail('list');
      const out: ContainerInfo[] = [];
      for (const [id, c] of containers) {
        if (Object.entries(labels).every(([k, v]) => c.spec.labels[k] === v)) {
          out.push({ id, image: c.spec.image, labels: { ...c.spec.labels }, task: c.task ? { ...c.task } : null });
        }
      }
      return out;
    },
    onExit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async exec(id, args) {
      calls.push(`exec ${id} ${args.join(' ')}`);
      maybeFail('exec');
      const c = get(id);
      if (c.task?.status !== 'running') throw new KedgeError('Conflict', `container ${id} is not running`);
      return driver.execHandler?.(id, args) ?? { exitCode: 0, stdout: '', stderr: '' };
    },
    async close() {
      listeners.clear();
    },
    failNext(op, message, times = 1) {
      failures.set(op, { message, times });
    },
    exit(id, exitCode) {
      const c = get(id);
      if (c.task?.status !== 'running') throw new Error(`fake: container ${id} is not running`);
      c.task = { status: 'stopped' };
      emit(id, exitCode);
    },
    adopt(spec, status = 'running') {
      containers.set(spec.id, { spec: structuredClone(spec), task: status ? { status, pid: ++pid } : null, logPaths: [spec.logPath] });
    },
  };
  return driver;
}
