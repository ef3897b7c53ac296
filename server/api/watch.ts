import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import { KedgeError } from '../../shared/errors.js';
import type { KObject } from '../../shared/meta.js';
import { matches, type Requirement } from '../../shared/selector.js';
import type { Store, StoreEvent } from '../store/types.js';
import { matchesFields, type FieldRequirement } from './field-selector.js';
import type { ResourceTarget } from './resource-path.js';

export interface WatchQuery {
  labels: Requirement[];
  fields: FieldRequirement[];
  /** Resume after this resourceVersion; undefined sends the current objects as ADDED first. */
  sinceResourceVersion?: number;
  timeoutSeconds: number;
}

/** A watcher this many events behind is cut off; it re-lists and watches again, as Kubernetes clients do. */
const maxQueued = 10_000;
const defaultTimeoutSeconds = 1800;

export function parseWatchQuery(c: Context, labels: Requirement[], fields: FieldRequirement[]): WatchQuery {
  const rv = c.req.query('resourceVersion');
  const timeout = c.req.query('timeoutSeconds');
  if (rv !== undefined && rv !== '' && !/^[0-9]+$/.test(rv)) throw new KedgeError('BadRequest', `resourceVersion: "${rv}" is not a resourceVersion kedge issued (a number)`);
  if (timeout !== undefined && !/^[0-9]+$/.test(timeout)) throw new KedgeError('BadRequest', `timeoutSeconds: "${timeout}" must be a whole number of seconds`);
  return {
    labels,
    fields,
    // "0" means "any version" in Kubernetes: start from the current state.
    sinceResourceVersion: rv && rv !== '0' ? Number(rv) : undefined,
    timeoutSeconds: timeout !== undefined ? Number(timeout) : defaultTimeoutSeconds,
  };
}

/**
 * Streams newline-delimited {"type","object"} events for a collection. With selectors, an object that
 * stops matching is reported DELETED and one that starts matching ADDED, as Kubernetes does.
 */
export function watchCollection(c: Context, store: Store, target: ResourceTarget, q: WatchQuery, view: (o: KObject) => KObject): Response {
  const { info, namespace } = target;
  const queue: string[] = [];
  const present = new Set<string>();
  // When resuming, what the client saw before is unknown: a matching change is MODIFIED, not ADDED.
  const knowsEverything = q.sinceResourceVersion === undefined;
  let wake: (() => void) | undefined;
  let done = false;
  let unsubscribe = () => {};
  let timer: NodeJS.Timeout | undefined;
  function stop() {
    if (done) return;
    done = true;
    clearTimeout(timer);
    unsubscribe();
    wake?.();
  }

  const key = (o: KObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const selected = (o: KObject) => matches(q.labels, o.metadata.labels) && matchesFields(q.fields, o);
  const send = (type: 'ADDED' | 'MODIFIED' | 'DELETED', o: KObject) => {
    queue.push(`${JSON.stringify({ type, object: view(o) })}\n`);
    wake?.();
  };
  const onEvent = (e: StoreEvent) => {
    const o = e.object;
    if (o.kind !== info.kind || (namespace && (o.metadata.namespace ?? '') !== namespace)) return;
    if (queue.length >= maxQueued) {
      queue.length = 0;
      stop();
      return;
    }
    const k = key(o);
    const was = present.has(k);
    if (e.type === 'DELETED') {
      present.delete(k);
      if (was || selected(o)) send('DELETED', o);
    } else if (selected(o)) {
      present.add(k);
      send(e.type === 'ADDED' ? 'ADDED' : was || !knowsEverything ? 'MODIFIED' : 'ADDED', o);
    } else if (was) {
      present.delete(k);
      send('DELETED', o);
    }
  };

  if (knowsEverything) {
    for (const o of store.list(info.kind, { namespace, labelSelector: q.labels }).items) {
      if (!matchesFields(q.fields, o)) continue;
      present.add(key(o));
      send('ADDED', o);
    }
  }
  // Listing and subscribing happen in the same tick, so no change can fall between them.
  // With a resourceVersion this throws Gone before any byte is sent, which becomes a 410 Status.
  unsubscribe = store.watch(onEvent, { sinceResourceVersion: q.sinceResourceVersion });
  if (done) unsubscribe(); // cut off already while replaying
  timer = setTimeout(stop, Math.min(q.timeoutSeconds * 1000, 2 ** 31 - 1)); // setTimeout overflows past ~24 days

  c.header('Content-Type', 'application/json');
  c.header('Cache-Control', 'no-cache, private');
  return stream(
    c,
    async (s) => {
      s.onAbort(stop);
      // A vanished client must also unblock a write waiting for it to read.
      c.req.raw.signal.addEventListener('abort', () => {
        stop();
        s.abort();
      });
      // After a timeout, what is queued is still sent; after an abort nobody is listening.
      while ((!done || queue.length > 0) && !s.aborted) {
        if (queue.length === 0) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        await s.write(queue.splice(0).join(''));
      }
    },
    async () => stop(),
  );
}
