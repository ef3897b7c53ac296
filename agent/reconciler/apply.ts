import type { RuntimeDriver } from '../runtime/driver.js';
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
}

/** Carries out a plan: creates and restarts at once, pulls and removals in the background. */
export async function apply(actions: readonly Action[], ctx: ApplyContext): Promise<void> {
  const { driver, state, log } = ctx;
  for (const a of actions) {
    switch (a.type) {
      case 'pull': {
        const img = imageRecord(state, a.image);
        img.pulling = true;
        ctx.background(pull(a.image, ctx));
        break;
      }
      case 'create': {
        const rec = containerRecord(state, a.spec.id);
        try {
          await driver.create(a.spec);
          rec.running = true;
          rec.startedAt = ctx.now();
          rec.restartAt = undefined;
          rec.createError = undefined;
          log(`started container ${a.spec.id} (pod ${a.pod.namespace}/${a.pod.name})`);
        } catch (e) {
          failCreate(state, a.spec.id, 'CreateContainerError', (e as Error).message, ctx.now());
          log(`cannot create container ${a.spec.id} (pod ${a.pod.namespace}/${a.pod.name}): ${(e as Error).message}`);
        }
        break;
      }
      case 'reject':
        failCreate(state, a.id, a.reason, a.message, ctx.now());
        log(`container ${a.id}: ${a.message}`);
        break;
      case 'restart': {
        const rec = containerRecord(state, a.id);
        try {
          await driver.restart(a.id, a.logPath);
          rec.restartCount++;
          rec.running = true;
          rec.startedAt = ctx.now();
          rec.restartAt = undefined;
          log(`restarted container ${a.id} (restart ${rec.restartCount})`);
        } catch (e) {
          rec.backoffMs = nextBackoff(rec.backoffMs);
          rec.restartAt = ctx.now() + rec.backoffMs;
          log(`cannot restart container ${a.id}: ${(e as Error).message}; next try in ${rec.backoffMs / 1000}s`);
        }
        break;
      }
      case 'remove':
        state.busy.add(a.id);
        ctx.background(remove(a, ctx));
        break;
      default: {
        const never: never = a;
        throw new Error(`unknown action ${JSON.stringify(never)}`);
      }
    }
  }
}

function failCreate(state: RuntimeState, id: string, reason: string, message: string, now: number): void {
  const rec = containerRecord(state, id);
  const backoffMs = nextBackoff(rec.createError?.backoffMs ?? 0);
  rec.createError = { reason, message, backoffMs, retryAt: now + backoffMs };
}

async function pull(image: string, ctx: ApplyContext): Promise<void> {
  const img = imageRecord(ctx.state, image);
  try {
    ctx.log(`pulling image ${image}`);
    await ctx.driver.pullImage(image);
    img.failures = 0;
    img.lastError = undefined;
    img.retryAt = undefined;
    img.backoffMs = 0;
    ctx.state.present.add(image);
    ctx.log(`pulled image ${image}`);
  } catch (e) {
    img.failures++;
    img.lastError = (e as Error).message;
    img.backoffMs = nextBackoff(img.backoffMs);
    img.retryAt = ctx.now() + img.backoffMs;
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
