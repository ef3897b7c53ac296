import { isKedgeError } from '../../shared/errors.js';
import type { KEvent } from '../../shared/event.js';
import type { KObject } from '../../shared/meta.js';
import type { Store } from '../store/types.js';

/** What an Event is about (core/v1 ObjectReference). */
export interface InvolvedObject {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  /** e.g. spec.containers{web} */
  fieldPath?: string;
}

export type EventType = 'Normal' | 'Warning';

export interface RecordOptions {
  /** Who reports: default-scheduler, node-controller, kubelet… */
  component?: string;
  /** The node, for events a node reports. */
  host?: string;
  /** Occurrences this call stands for (an agent may aggregate), default 1. */
  count?: number;
}

export interface EventRecorderDeps {
  store: Store;
  now?: () => Date;
  log?: (msg: string) => void;
  /** A repeated event updates its stored count at most this often (SD card wear); default 10 s. */
  throttleMs?: number;
  /** Events not seen for this long are deleted, like Kubernetes' --event-ttl; default 1 h. */
  ttlMs?: number;
  /** At most this many Events are kept; the oldest go first. Default 1000. */
  maxEvents?: number;
  /** How often expired events are swept; default 1 min. */
  sweepEveryMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

/** What an Event says; two records saying the same thing are one Event with a count. */
interface What {
  obj: InvolvedObject;
  type: EventType;
  reason: string;
  message: string;
  o: RecordOptions;
}

interface Entry {
  what: What;
  namespace: string;
  /** The Event object's name. */
  name: string;
  count: number;
  first: number;
  last: number;
  /** When the stored object was last written. */
  writtenAt: number;
}

/** The involved object of a stored object. */
export function refOf(o: KObject, fieldPath?: string): InvolvedObject {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name ?? '',
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    ...(o.metadata.uid ? { uid: o.metadata.uid } : {}),
    ...(fieldPath ? { fieldPath } : {}),
  };
}

/** RFC 3339 to the second, as Kubernetes writes Event times. */
export function eventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * Records Kubernetes-style Events in the store. The same event (object, type, reason, message,
 * source) bumps `count` and `lastTimestamp` of one Event object instead of creating another;
 * repeats reach the disk at most once per throttle window, the rest is flushed later. Recording
 * never throws: an Event is worth less than the work that reports it.
 */
export function createEventRecorder(deps: EventRecorderDeps) {
  const now = () => (deps.now ?? (() => new Date()))().getTime();
  const throttleMs = deps.throttleMs ?? 10_000;
  const ttlMs = deps.ttlMs ?? 3_600_000;
  const maxEvents = deps.maxEvents ?? 1000;
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms).unref());
  const clearTimer = deps.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
  const cache = new Map<string, Entry>();
  /** Keys whose count or last time is newer in memory than in the store. */
  const dirty = new Set<string>();
  let seq = 0;
  let flushTimer: unknown;
  let flushAt = Infinity;
  let stopped = false;
  const sweepEveryMs = deps.sweepEveryMs ?? 60_000;
  let sweepHandle: unknown;
  const scheduleSweep = () => {
    sweepHandle = setTimer(() => {
      sweep();
      if (!stopped) scheduleSweep();
    }, sweepEveryMs);
  };
  scheduleSweep();

  function warn(what: string, e: unknown) {
    deps.log?.(`events: cannot ${what}: ${(e as Error).message}`);
  }

  function uniqueName(base: string, t: number): string {
    // Kubernetes names events <object>.<unix nanoseconds in hex>; the sequence keeps names distinct within a millisecond.
    const nanos = BigInt(t) * 1_000_000n + BigInt(seq++ % 1_000_000);
    return `${base}.${nanos.toString(16)}`;
  }

  function build(entry: Entry): KEvent {
    const { obj, type, reason, message, o } = entry.what;
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: entry.name, namespace: entry.namespace },
      involvedObject: obj,
      reason,
      message,
      type,
      source: { ...(o.component ? { component: o.component } : {}), ...(o.host ? { host: o.host } : {}) },
      firstTimestamp: eventTime(entry.first),
      lastTimestamp: eventTime(entry.last),
      count: entry.count,
      ...(o.component ? { reportingComponent: o.component } : {}),
      reportingInstance: o.host ?? '',
    };
  }

  function create(entry: Entry): boolean {
    const { obj, reason } = entry.what;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        // Refused as Kubernetes refuses them: an Event in a namespace that is gone or going would keep it from ever emptying.
        const ns = deps.store.get('Namespace', '', entry.namespace);
        if (!ns || ns.metadata.deletionTimestamp) return false;
        deps.store.create(build(entry));
        entry.writtenAt = now();
        return true;
      } catch (e) {
        if (!isKedgeError(e, 'AlreadyExists')) {
          warn(`record ${reason} for ${obj.kind.toLowerCase()} ${obj.name}`, e);
          return false;
        }
        entry.name = uniqueName(obj.name, entry.last);
      }
    }
    return false;
  }

  /** Writes the entry's count and last time; recreates the Event if someone deleted it meanwhile. */
  function write(key: string, entry: Entry) {
    const cur = deps.store.get('Event', entry.namespace, entry.name) as KEvent | undefined;
    if (!cur) {
      entry.name = uniqueName(entry.what.obj.name, entry.last);
      if (!create(entry)) cache.delete(key);
      return;
    }
    try {
      deps.store.update({ ...cur, count: entry.count, lastTimestamp: eventTime(entry.last) } as KEvent);
      entry.writtenAt = now();
    } catch (e) {
      warn(`update event ${entry.namespace}/${entry.name}`, e);
    }
  }

  function arm(at: number) {
    if (stopped || at >= flushAt) return;
    if (flushTimer !== undefined) clearTimer(flushTimer);
    flushAt = at;
    flushTimer = setTimer(() => {
      flushTimer = undefined;
      flushAt = Infinity;
      flushDue(false);
    }, Math.max(0, at - now()));
  }

  /** Writes the held-back counts whose throttle window has passed (all of them with `all`) in one transaction (one fsync), and re-arms for the rest. */
  function flushDue(all: boolean) {
    try {
      deps.store.batch(() => flushDueNow(all));
    } catch (e) {
      warn('write event counts', e);
    }
  }

  function flushDueNow(all: boolean) {
    const t = now();
    let next = Infinity;
    for (const key of dirty) {
      const entry = cache.get(key);
      if (!entry) {
        dirty.delete(key);
        continue;
      }
      const due = entry.writtenAt + throttleMs;
      if (!all && due > t) {
        next = Math.min(next, due);
        continue;
      }
      dirty.delete(key);
      write(key, entry);
    }
    if (next < Infinity) arm(next);
  }

  function sweep() {
    if (stopped) return;
    try {
      deps.store.batch(sweepNow);
    } catch (e) {
      warn('sweep events', e);
    }
  }

  function sweepNow() {
    const t = now();
    let events: KEvent[];
    try {
      events = deps.store.list('Event').items as KEvent[];
    } catch (e) {
      warn('list events', e);
      return;
    }
    const seen = (e: KEvent) => Date.parse(e.lastTimestamp ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '') || 0;
    const byAge = events.sort((a, b) => seen(a) - seen(b));
    const overCap = Math.max(0, byAge.length - maxEvents);
    byAge.forEach((e, i) => {
      if (i >= overCap && seen(e) >= t - ttlMs) return;
      try {
        deps.store.delete('Event', e.metadata.namespace ?? 'default', e.metadata.name!);
      } catch (err) {
        if (!isKedgeError(err, 'NotFound')) warn(`delete event ${e.metadata.name}`, err);
      }
    });
    for (const [key, entry] of cache) if (entry.last < t - ttlMs && !dirty.has(key)) cache.delete(key);
  }

  return {
    record(obj: InvolvedObject, type: EventType, reason: string, message: string, o: RecordOptions = {}): void {
      if (stopped) return;
      const t = now();
      const namespace = obj.namespace || 'default';
      const key = JSON.stringify([namespace, obj.kind, obj.name, obj.uid ?? '', obj.fieldPath ?? '', type, reason, message, o.component ?? '', o.host ?? '']);
      const n = Math.max(1, o.count ?? 1);
      const entry = cache.get(key);
      if (!entry) {
        const fresh: Entry = { what: { obj, type, reason, message, o }, namespace, name: uniqueName(obj.name, t), count: n, first: t, last: t, writtenAt: t };
        if (create(fresh)) cache.set(key, fresh);
        // Bounded memory: forget the oldest remembered event (a repeat of it starts a new Event object).
        if (cache.size > maxEvents * 2) {
          for (const k of cache.keys()) {
            if (dirty.has(k)) continue;
            cache.delete(k);
            break;
          }
        }
        return;
      }
      entry.count += n;
      entry.last = t;
      dirty.add(key);
      if (t - entry.writtenAt >= throttleMs) flushDue(false);
      else arm(entry.writtenAt + throttleMs);
    },
    /** Writes every pending count now (on shutdown). */
    flush: () => flushDue(true),
    /** Deletes Events older than the TTL and the oldest beyond the cap. */
    sweep,
    stop() {
      flushDue(true);
      stopped = true;
      if (flushTimer !== undefined) clearTimer(flushTimer);
      clearTimer(sweepHandle);
    },
  };
}

export type EventRecorder = ReturnType<typeof createEventRecorder>;
