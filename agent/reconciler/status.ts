import type { Condition } from '../../shared/meta.js';
import type { ContainerState, ContainerStatus, Pod, PodPhase, PodStatus } from '../../shared/pod.js';
import type { ContainerInfo } from '../runtime/driver.js';
import { containerId, podName, podUid } from './ids.js';
import { pullPolicy, shouldRestart, tryNormalize, type SpecContext } from './spec.js';
import type { ContainerRecord, RuntimeState } from './state.js';

/**
 * An exit code we did not see (the task stopped while the agent was down) is reported as -1 with
 * reason "Unknown": no real process exits with -1, so nobody mistakes it for a real code.
 */
export const unknownExitCode = -1;

const iso = (ms: number) => new Date(ms).toISOString();

function terminated(exit: NonNullable<ContainerRecord['lastExit']>): ContainerState {
  if (exit.exitCode === null) {
    return {
      terminated: {
        exitCode: unknownExitCode,
        reason: 'Unknown',
        message: 'the container stopped while the agent was not watching; its exit code is unknown',
        finishedAt: iso(exit.finishedAt),
      },
    };
  }
  return {
    terminated: {
      exitCode: exit.exitCode,
      reason: exit.exitCode === 0 ? 'Completed' : 'Error',
      ...(exit.message ? { message: exit.message } : {}),
      ...(exit.startedAt !== undefined ? { startedAt: iso(exit.startedAt) } : {}),
      finishedAt: iso(exit.finishedAt),
    },
  };
}

interface Built {
  status: ContainerStatus;
  created: boolean;
  /** Terminated for good: will not be restarted. */
  done: boolean;
  exitCode?: number | null;
}

function containerStatus(pod: Pod, index: number, actual: ContainerInfo | undefined, state: RuntimeState, now: number, ctx: StatusContext): Built {
  const c = pod.spec.containers[index]!;
  const id = containerId(podUid(pod), c.name);
  const rec = state.containers.get(id);
  const norm = tryNormalize(ctx, c.image);
  const image = 'image' in norm ? norm.image : c.image;
  const base = { name: c.name, image: c.image, restartCount: rec?.restartCount ?? 0 };
  const last = rec?.lastExit ? terminated(rec.lastExit) : undefined;

  if (!actual) {
    const img = state.images.get(image);
    const present = state.present.has(image);
    let waiting: NonNullable<ContainerState['waiting']> = { reason: 'ContainerCreating' };
    const placement = ctx.placement?.(pod);
    if (rec?.createError) {
      waiting = { reason: rec.createError.reason, message: rec.createError.message };
    } else if (placement?.type === 'waiting') {
      waiting = { reason: 'ContainerCreating', message: placement.message };
    } else if (!present && pullPolicy(c) === 'Never') {
      waiting = { reason: 'ErrImageNeverPull', message: `image ${image} is not on the node and imagePullPolicy is Never; import it into the node's images directory` };
    } else if (!present && img && img.failures > 0 && !img.pulling) {
      waiting = { reason: img.failures === 1 ? 'ErrImagePull' : 'ImagePullBackOff', message: `pulling ${image}: ${img.lastError ?? 'failed'}` };
    }
    return { status: { ...base, ready: false, started: false, state: { waiting }, ...(last ? { lastState: last } : {}) }, created: false, done: false };
  }

  const common = { ...base, containerID: `containerd://${id}` };
  const task = actual.task?.status;
  if (task === 'running' || task === 'paused') {
    const running: ContainerState = { running: { startedAt: iso(rec?.startedAt ?? now) } };
    // Probes decide for this run of the container; until they have, a probed container is not started/ready.
    const view = ctx.probeView?.(id, rec?.startedAt);
    const started = c.startupProbe ? view?.started === true : true;
    const ready = task === 'running' && started && (c.readinessProbe ? view?.ready === true : true);
    return { status: { ...common, ready, started, state: running, ...(last ? { lastState: last } : {}) }, created: true, done: false };
  }
  if (task === 'created' || task === 'unknown') {
    const reason = task === 'created' ? 'ContainerCreating' : 'ContainerStatusUnknown';
    return { status: { ...common, ready: false, started: false, state: { waiting: { reason } }, ...(last ? { lastState: last } : {}) }, created: true, done: false };
  }

  const exit = rec?.lastExit ?? { exitCode: null, finishedAt: now };
  const ended = terminated(exit);
  // A pod being deleted is not restarted: its stopped containers are simply terminated.
  if (pod.metadata.deletionTimestamp) return { status: { ...common, ready: false, started: false, state: ended }, created: true, done: true, exitCode: exit.exitCode };
  if (shouldRestart(pod.spec.restartPolicy, exit.exitCode) && rec?.restartAt !== undefined && now < rec.restartAt) {
    const message = `back-off ${Math.round((rec.backoffMs || 0) / 1000)}s restarting failed container=${c.name} pod=${podName(pod)}`;
    return { status: { ...common, ready: false, started: false, state: { waiting: { reason: 'CrashLoopBackOff', message } }, lastState: ended }, created: true, done: false };
  }
  const done = !shouldRestart(pod.spec.restartPolicy, exit.exitCode);
  return { status: { ...common, ready: false, started: false, state: ended }, created: true, done, exitCode: exit.exitCode };
}

function phaseOf(pod: Pod, built: Built[]): PodPhase {
  // Stopped for its deletion: terminal, as the kubelet makes it; the changed phase is also what tells the server it may go.
  if (pod.metadata.deletionTimestamp && built.every((b) => !b.status.state.running)) return built.every((b) => b.exitCode === 0) ? 'Succeeded' : 'Failed';
  if (built.some((b) => !b.created)) return 'Pending';
  if ((pod.spec.restartPolicy ?? 'Always') !== 'Always' && built.every((b) => b.done)) {
    return built.every((b) => b.exitCode === 0) ? 'Succeeded' : 'Failed';
  }
  return 'Running';
}

function condition(type: string, ok: boolean, now: number, prev: PodStatus | undefined, reason?: string, message?: string): Condition {
  const status = ok ? 'True' : 'False';
  const before = prev?.conditions?.find((c) => c.type === type);
  const lastTransitionTime = before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : iso(now);
  return { type, status, lastTransitionTime, ...(!ok && reason ? { reason } : {}), ...(!ok && message ? { message } : {}) };
}

/** The pod's own address on the pod network, the node's for hostNetwork pods (as the kubelet reports them), none before it is attached. */
function podAddress(pod: Pod, ctx: StatusContext): string | undefined {
  const p = ctx.placement?.(pod);
  if (!p || p.type === 'host') return ctx.hostIP;
  return p.type === 'pod' ? p.attachment.ip : undefined;
}

export interface StatusContext extends SpecContext {
  hostIP: string;
  /** What the probes say about this run (startedAt) of a container; undefined: no probe results. */
  probeView?: (id: string, startedAt: number | undefined) => { started: boolean; ready: boolean } | undefined;
}

/**
 * A pod's status as the node sees it. Pure: `prev` (the last status sent, or the server's copy)
 * keeps condition transition times stable, so an unchanged pod yields an identical status.
 */
export function buildPodStatus(pod: Pod, actual: ReadonlyMap<string, ContainerInfo>, state: RuntimeState, now: number, ctx: StatusContext, prev?: PodStatus): PodStatus {
  const uid = podUid(pod);
  const built = pod.spec.containers.map((c, i) => containerStatus(pod, i, actual.get(containerId(uid, c.name)), state, now, ctx));
  const phase = phaseOf(pod, built);
  const unready = built.filter((b) => !b.status.ready).map((b) => b.status.name);
  const ready = unready.length === 0;
  const why = phase === 'Succeeded' || phase === 'Failed' ? 'PodCompleted' : 'ContainersNotReady';
  const message = `containers with unready status: [${unready.join(' ')}]`;
  const podIP = podAddress(pod, ctx);
  const known = state.pods.get(uid)?.startTime;
  const startTime = known !== undefined ? iso(known) : (prev?.startTime ?? iso(now));
  return {
    phase,
    conditions: [
      condition('PodScheduled', true, now, prev),
      condition('Initialized', true, now, prev),
      condition('ContainersReady', ready, now, prev, why, message),
      condition('Ready', ready, now, prev, why, message),
    ],
    hostIP: ctx.hostIP,
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime,
    containerStatuses: built.map((b) => b.status),
  };
}
