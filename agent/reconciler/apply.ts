import { podEvents } from '../events/wording.js';
import { noEvents, type EventSink } from '../events/types.js';
import type { RuntimeDriver } from '../runtime/driver.js';
import { containerLabels } from '../runtime/driver.js';
import type { VolumeManager } from '../volumes/manager.js';
import type { PlannedVolume } from '../volumes/plan.js';
import { nextBackoff } from './backoff.js';
import type { Action, PodRef } from './plan.js';
import { containerRecord, imageRecord, type RuntimeState } from './state.js';

export interface ApplyContext {
  driver: RuntimeDriver;
  state: RuntimeState;
  now: () => number;
  log: (msg: string) => void;
  /** Keeps a background operation (pull, stop + remove) so the loop can wait for it and reconcile after. */
  background: (work: Promise<void>) => void;
  /** A container was removed because its pod is no longer desired. */
  onRemoved?: (pod: PodRef, id: string) => void;
  /** Pod volume directories; needed only by pods with volumes. */
  volumes?: VolumeManager;
  events?: EventSink;
}

/** Carries out a plan: creates and restarts at once, pulls and removals in the background. */
export async function apply(actions: readonly Action[], ctx: ApplyContext): Promise<void> {
  const { driver, state, log } = ctx;
  const events = ctx.events ?? noEvents;
  for (const a of actions) {
    switch (a.type) {
      case 'pull': {
        const img = imageRecord(state, a.image);
        img.pulling = true;
        ctx.background(pull(a, ctx));
        break;
      }
      case 'create': {
        const rec = containerRecord(state, a.spec.id);
        const name = a.spec.labels[containerLabels.container] ?? a.spec.id;
        try {
          await prepareVolumes(ctx, a.pod, a.volumes, a.spec.mounts);
        } catch (e) {
          failCreate(state, a.spec.id, 'CreateContainerConfigError', `preparing volumes: ${(e as Error).message}`, ctx.now());
          events.emit(podEvents.failed(a.pod, name, `preparing volumes: ${(e as Error).message}`));
          log(`cannot prepare the volumes of pod ${a.pod.namespace}/${a.pod.name}: ${(e as Error).message}`);
          break;
        }
        announceImage(ctx, a.pod, name, a.spec.image);
        // Running from before the call: a process that dies at once may be reported exited before the call returns.
        startRun(rec, ctx.now());
        try {
          await driver.create(a.spec);
          rec.createError = undefined;
          events.emit(podEvents.created(a.pod, name));
          events.emit(podEvents.started(a.pod, name));
          log(`started container ${a.spec.id} (pod ${a.pod.namespace}/${a.pod.name})`);
        } catch (e) {
          rec.running = false;
          rec.startedAt = undefined;
          failCreate(state, a.spec.id, 'CreateContainerError', (e as Error).message, ctx.now());
          events.emit(podEvents.failed(a.pod, name, (e as Error).message));
          log(`cannot create container ${a.spec.id} (pod ${a.pod.namespace}/${a.pod.name}): ${(e as Error).message}`);
        }
        break;
      }
      case 'reject':
        failCreate(state, a.id, a.reason, a.message, ctx.now());
        events.emit(podEvents.failed(a.pod, a.container, a.message));
        log(`container ${a.id}: ${a.message}`);
        break;
      case 'restart': {
        const rec = containerRecord(state, a.id);
        // After a reboot a tmpfs holds no volumes any more: make them again before the task starts.
        await prepareVolumes(ctx, a.pod, a.volumes).catch((e: Error) => log(`pod ${a.pod.namespace}/${a.pod.name}: refreshing volumes: ${e.message}`));
        const previousStart = rec.startedAt;
        startRun(rec, ctx.now());
        try {
          await driver.restart(a.id, a.logPath);
          rec.restartCount++;
          events.emit(podEvents.created(a.pod, a.container));
          events.emit(podEvents.started(a.pod, a.container));
          log(`restarted container ${a.id} (restart ${rec.restartCount})`);
        } catch (e) {
          rec.running = false;
          rec.startedAt = previousStart;
          rec.backoffMs = nextBackoff(rec.backoffMs);
          rec.restartAt = ctx.now() + rec.backoffMs;
          events.emit(podEvents.failed(a.pod, a.container, (e as Error).message));
          log(`cannot restart container ${a.id}: ${(e as Error).message}; next try in ${rec.backoffMs / 1000}s`);
        }
        break;
      }
      case 'remove':
        state.busy.add(a.id);
        events.emit(a.why === 'image changed' ? podEvents.definitionChanged(a.pod, a.container) : podEvents.killing(a.pod, a.container));
        ctx.background(remove(a, ctx));
        break;
      case 'stop':
        if (!state.killAt.has(a.id)) events.emit(podEvents.killing(a.pod, a.container));
        state.busy.add(a.id);
        state.killAt.set(a.id, a.killAt);
        ctx.background(stop(a, ctx));
        break;
      default: {
        const never: never = a;
        throw new Error(`unknown action ${JSON.stringify(never)}`);
      }
    }
  }
}

async function prepareVolumes(ctx: ApplyContext, pod: PodRef, volumes: PlannedVolume[] | undefined, mounts?: Parameters<VolumeManager['prepare']>[2]): Promise<void> {
  if (!volumes?.length) return;
  if (!ctx.volumes) throw new Error('this node has no volume directory configured');
  await ctx.volumes.prepare(pod.uid, volumes, mounts);
}

/** The kubelet says "already present" for an image it did not have to pull for this container. */
function announceImage(ctx: ApplyContext, pod: PodRef, container: string, image: string): void {
  const img = ctx.state.images.get(image);
  if (img?.freshPull) img.freshPull = false;
  else ctx.events?.emit(podEvents.alreadyPresent(pod, container, image));
}

function startRun(rec: ReturnType<typeof containerRecord>, now: number): void {
  rec.running = true;
  rec.startedAt = now;
  rec.restartAt = undefined;
}

function failCreate(state: RuntimeState, id: string, reason: string, message: string, now: number): void {
  const rec = containerRecord(state, id);
  const backoffMs = nextBackoff(rec.createError?.backoffMs ?? 0);
  rec.createError = { reason, message, backoffMs, retryAt: now + backoffMs };
}

async function pull(a: Extract<Action, { type: 'pull' }>, ctx: ApplyContext): Promise<void> {
  const image = a.image;
  const img = imageRecord(ctx.state, image);
  const events = ctx.events ?? noEvents;
  const started = ctx.now();
  try {
    ctx.log(`pulling image ${image}`);
    for (const f of a.for) events.emit(podEvents.pulling(f.pod, f.container, image));
    await ctx.driver.pullImage(image);
    img.failures = 0;
    img.lastError = undefined;
    img.retryAt = undefined;
    img.backoffMs = 0;
    img.freshPull = true;
    ctx.state.present.add(image);
    for (const f of a.for) events.emit(podEvents.pulled(f.pod, f.container, image, ctx.now() - started));
    ctx.log(`pulled image ${image}`);
  } catch (e) {
    img.failures++;
    img.lastError = (e as Error).message;
    img.backoffMs = nextBackoff(img.backoffMs);
    img.retryAt = ctx.now() + img.backoffMs;
    for (const f of a.for) {
      events.emit(podEvents.pullFailed(f.pod, f.container, image, img.lastError));
      if (img.failures > 1) events.emit(podEvents.pullBackOff(f.pod, f.container, image));
    }
    ctx.log(`cannot pull image ${image}: ${img.lastError}; next try in ${img.backoffMs / 1000}s`);
  } finally {
    img.pulling = false;
    img.attempted = true;
  }
}

async function remove(a: Extract<Action, { type: 'remove' }>, ctx: ApplyContext): Promise<void> {
  try {
    try {
      await ctx.driver.stop(a.id, a.graceSeconds);
    } catch (e) {
      // A task that is already gone cannot be stopped; remove() stops whatever is left.
      ctx.log(`stopping container ${a.id}: ${(e as Error).message}`);
    }
    await ctx.driver.remove(a.id);
    ctx.state.containers.delete(a.id);
    ctx.log(`removed container ${a.id} (pod ${a.pod.namespace}/${a.pod.name}: ${a.why})`);
    if (a.why === 'not desired') ctx.onRemoved?.(a.pod, a.id);
  } catch (e) {
    ctx.log(`cannot remove container ${a.id}: ${(e as Error).message}; will retry`);
  } finally {
    ctx.state.busy.delete(a.id);
  }
}

async function stop(a: Extract<Action, { type: 'stop' }>, ctx: ApplyContext): Promise<void> {
  try {
    await ctx.driver.stop(a.id, a.graceSeconds);
    ctx.log(`stopped container ${a.id} (pod ${a.pod.namespace}/${a.pod.name} is being deleted; grace ${a.graceSeconds}s)`);
  } catch (e) {
    ctx.log(`cannot stop container ${a.id}: ${(e as Error).message}; will retry`);
  } finally {
    // A shorter stop started meanwhile owns the container now.
    if (ctx.state.killAt.get(a.id) === a.killAt) {
      ctx.state.busy.delete(a.id);
      ctx.state.killAt.delete(a.id);
    }
  }
}
