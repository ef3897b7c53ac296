/**
 * Collects pod events for the server: a new event goes out within `batchMs`, many per message;
 * the same event again (a crash loop, a failing probe) is counted and sent at most once per
 * `repeatMs`, so a node in trouble does not flood MQTT. Kept while offline, up to `maxPending`.
 */
import type { NodeEvents } from '../../shared/messages.js';
import { realTimers, type TimerDeps } from '../probes/wheel.js';
import type { EventSink, PodEvent } from './types.js';

export interface EventBatcherOptions {
  node: string;
  /** Sends one message; false when it could not (offline): the events stay and go with the next flush. */
  publish(batch: NodeEvents): boolean;
  timers?: TimerDeps;
  batchMs?: number;
  repeatMs?: number;
  maxPending?: number;
  log?: (m: string) => void;
}

export interface EventBatcher extends EventSink {
  /** Sends what is due now (e.g. on reconnect). */
  flush(): void;
  readonly pending: number;
  stop(): void;
}

/** The schema's limits: 200 events a message, reason 128 and message 4096 characters. */
const perMessage = 200;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

interface Pending {
  event: PodEvent;
  count: number;
  last: number;
  due: number;
}

export function createEventBatcher(o: EventBatcherOptions): EventBatcher {
  const timers = o.timers ?? realTimers;
  const batchMs = o.batchMs ?? 1000;
  const repeatMs = o.repeatMs ?? 60_000;
  const maxPending = o.maxPending ?? 500;
  const pending = new Map<string, Pending>();
  const lastSent = new Map<string, number>();
  let timer: { handle: unknown; at: number } | undefined;
  let dropped = 0;
  let stopped = false;

  const keyOf = (e: PodEvent) => JSON.stringify([e.pod.uid, e.container ?? '', e.reason, e.type, e.message]);

  function arm(): void {
    if (stopped) return;
    let next = Infinity;
    for (const p of pending.values()) next = Math.min(next, p.due);
    if (timer && timer.at <= next) return;
    if (timer) timers.clearTimer(timer.handle);
    timer = undefined;
    if (next === Infinity) return;
    timer = { at: next, handle: timers.setTimer(onTimer, Math.max(0, next - timers.now())) };
  }

  function onTimer(): void {
    timer = undefined;
    flush();
  }

  function flush(): void {
    const now = timers.now();
    for (const [k, t] of lastSent) if (now - t >= repeatMs) lastSent.delete(k);
    const due = [...pending.entries()].filter(([, p]) => p.due <= now);
    for (let i = 0; i < due.length; i += perMessage) {
      const chunk = due.slice(i, i + perMessage);
      const batch: NodeEvents = {
        node: o.node,
        events: chunk.map(([, p]) => ({
          pod: p.event.pod,
          ...(p.event.container ? { fieldPath: `spec.containers{${p.event.container}}` } : {}),
          reason: clip(p.event.reason, 128),
          message: clip(p.event.message, 4096),
          type: p.event.type,
          time: new Date(p.last).toISOString(),
          count: p.count,
        })),
      };
      if (!o.publish(batch)) {
        // Offline: keep them; the next emit, timer or reconnect tries again.
        for (const [, p] of due.slice(i)) p.due = Math.max(p.due, now + batchMs * 5);
        break;
      }
      for (const [k] of chunk) {
        pending.delete(k);
        lastSent.set(k, now);
      }
    }
    arm();
  }

  return {
    emit(e) {
      if (stopped) return;
      const now = timers.now();
      const k = keyOf(e);
      const p = pending.get(k);
      if (p) {
        p.count++;
        p.last = now;
        return;
      }
      if (pending.size >= maxPending) {
        const oldest = pending.keys().next().value as string;
        pending.delete(oldest);
        if (dropped++ % 100 === 0) o.log?.(`events: ${dropped} dropped while the server was unreachable (keeping the newest ${maxPending})`);
      }
      const sent = lastSent.get(k);
      const due = sent !== undefined && now - sent < repeatMs ? sent + repeatMs : now + batchMs;
      pending.set(k, { event: e, count: 1, last: now, due });
      arm();
    },
    flush() {
      const now = timers.now();
      // Reconnected: everything held back for being offline is due now; rate limits still hold.
      for (const [k, p] of pending) {
        const sent = lastSent.get(k);
        p.due = sent !== undefined && now - sent < repeatMs ? Math.min(p.due, sent + repeatMs) : Math.min(p.due, now);
      }
      flush();
    },
    get pending() {
      return pending.size;
    },
    stop() {
      stopped = true;
      if (timer) timers.clearTimer(timer.handle);
      timer = undefined;
    },
  };
}
