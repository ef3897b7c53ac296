import { backoffResetAfterMs, nextBackoff } from './backoff.js';

/** What the agent remembers about one container between reconciles (in memory only). */
export interface ContainerRecord {
  restartCount: number;
  /** When the current (or last) task started, ms. */
  startedAt?: number;
  /** True between a start we made or saw and the exit we were told about or saw. */
  running: boolean;
  /** exitCode null: the task stopped while nobody was watching (e.g. the agent was down). */
  lastExit?: { exitCode: number | null; finishedAt: number; startedAt?: number; message?: string };
  /** Why we are stopping the running task (a failed liveness probe); becomes lastExit.message. */
  killMessage?: string;
  /** lastExit.finishedAt of the exit a BackOff event was sent for (one per crash). */
  backoffReported?: number;
  /** The back-off delay applied after the last exit (0: none yet). */
  backoffMs: number;
  /** Earliest time the next restart may happen. */
  restartAt?: number;
  /** The last create failure, retried with back-off. */
  createError?: { reason: string; message: string; retryAt: number; backoffMs: number };
}

/** Per image reference (normalized). */
export interface ImageRecord {
  pulling: boolean;
  /** A pull was attempted since the agent started (imagePullPolicy Always pulls once per run). */
  attempted: boolean;
  failures: number;
  lastError?: string;
  retryAt?: number;
  backoffMs: number;
  /** Pulled by us and not yet used by a container: its create reports no "already present". */
  freshPull?: boolean;
}

export interface PodRecord {
  namespace: string;
  name: string;
  startTime: number;
  graceSeconds: number;
  /** The pod is being deleted: its containers get SIGKILL at this time (ms), counted from when this node first saw it. */
  stopBy?: number;
}

export interface RuntimeState {
  containers: Map<string, ContainerRecord>;
  images: Map<string, ImageRecord>;
  /** Normalized image refs found present in the runtime during this reconcile. */
  present: Set<string>;
  pods: Map<string, PodRecord>;
  /** Container ids with a background operation (stop + remove) in flight: the plan leaves them alone. */
  busy: Set<string>;
  /** Containers being stopped for their pod's deletion: when each gets SIGKILL (ms), so a shorter grace period can cut in. */
  killAt: Map<string, number>;
  /** Pods whose attach to the pod network failed, by uid: retried with back-off. */
  network: Map<string, { message: string; retryAt: number; backoffMs: number }>;
}

export function createRuntimeState(): RuntimeState {
  return { containers: new Map(), images: new Map(), present: new Set(), pods: new Map(), busy: new Set(), killAt: new Map(), network: new Map() };
}

export function containerRecord(state: RuntimeState, id: string): ContainerRecord {
  let rec = state.containers.get(id);
  if (!rec) {
    rec = { restartCount: 0, running: false, backoffMs: 0 };
    state.containers.set(id, rec);
  }
  return rec;
}

export function imageRecord(state: RuntimeState, ref: string): ImageRecord {
  let rec = state.images.get(ref);
  if (!rec) {
    rec = { pulling: false, attempted: false, failures: 0, backoffMs: 0 };
    state.images.set(ref, rec);
  }
  return rec;
}

/** A task exited (event from the driver, or seen stopped in a listing): remember how, and when to restart. */
export function recordExit(state: RuntimeState, exit: { id: string; exitCode: number | null; exitedAt?: string }, now: number): void {
  const rec = state.containers.get(exit.id);
  if (!rec) return;
  const finishedAt = exit.exitedAt ? Date.parse(exit.exitedAt) : now;
  // A late event for a task older than the one running now.
  if (rec.startedAt !== undefined && Number.isFinite(finishedAt) && finishedAt < rec.startedAt) return;
  if (!rec.running) {
    // Already recorded (by a listing): only fill in the exit code we did not know.
    if (rec.lastExit && rec.lastExit.exitCode === null && exit.exitCode !== null) rec.lastExit.exitCode = exit.exitCode;
    return;
  }
  const ranFor = rec.startedAt === undefined ? 0 : now - rec.startedAt;
  if (ranFor >= backoffResetAfterMs) rec.backoffMs = 0;
  rec.backoffMs = nextBackoff(rec.backoffMs);
  rec.restartAt = now + rec.backoffMs;
  rec.running = false;
  rec.lastExit = { exitCode: exit.exitCode, finishedAt: Number.isFinite(finishedAt) ? finishedAt : now, startedAt: rec.startedAt, ...(rec.killMessage ? { message: rec.killMessage } : {}) };
  rec.killMessage = undefined;
}

/** When the earliest back-off (restart, create, pull or network retry) after `now` ends; Infinity when none waits. */
export function nextRetry(state: RuntimeState, now: number): number {
  let at = Infinity;
  for (const rec of state.containers.values()) {
    if (!rec.running && rec.restartAt !== undefined && rec.restartAt > now) at = Math.min(at, rec.restartAt);
    if (rec.createError && rec.createError.retryAt > now) at = Math.min(at, rec.createError.retryAt);
  }
  for (const img of state.images.values()) if (img.retryAt !== undefined && img.retryAt > now) at = Math.min(at, img.retryAt);
  for (const n of state.network.values()) if (n.retryAt > now) at = Math.min(at, n.retryAt);
  return at;
}
