/** A pod watch through the API that records when the bench first saw each pod in a given state. */
import { createApiClient } from '../../shared/client.js';
import type { Pod } from '../../shared/pod.js';

export interface PodWatch {
  /** Resolves with performance.now() of the first event where `test` held for the pod. */
  when(name: string, test: (p: Pod) => boolean, timeoutMs: number): Promise<number>;
  stop(): void;
}

export function watchPods(o: { url: string; ca: string; token: string; namespace?: string; labelSelector?: string; resourceVersion?: string; onEvent?: (type: string, pod: Pod, at: number) => void }): PodWatch {
  const client = createApiClient({ server: o.url, ca: o.ca, token: o.token });
  const latest = new Map<string, Pod>();
  const waiters = new Set<{ name: string; test: (p: Pod) => boolean; resolve: (t: number) => void }>();
  let ended: Error | undefined;
  const w = client.watch<Pod>(
    `/api/v1/namespaces/${o.namespace ?? 'default'}/pods`,
    { labelSelector: o.labelSelector, resourceVersion: o.resourceVersion },
    (e) => {
      const at = performance.now();
      o.onEvent?.(e.type, e.object, at);
      if (e.type === 'DELETED' || e.type === 'ERROR' || e.type === 'BOOKMARK') return;
      latest.set(e.object.metadata.name!, e.object);
      for (const x of waiters) {
        if (x.name === e.object.metadata.name && x.test(e.object)) {
          waiters.delete(x);
          x.resolve(at);
        }
      }
    },
    (err) => {
      ended = err ?? new Error('the watch ended');
    },
  );
  return {
    when(name, test, timeoutMs) {
      const seen = latest.get(name);
      if (seen && test(seen)) return Promise.resolve(performance.now());
      if (ended) return Promise.reject(ended);
      return new Promise((resolve, reject) => {
        const entry = { name, test, resolve: (t: number) => (clearTimeout(timer), resolve(t)) };
        const timer = setTimeout(() => {
          waiters.delete(entry);
          reject(new Error(`pod ${name}: not in the awaited state after ${timeoutMs} ms${ended ? ` (watch ended: ${ended.message})` : ''}; last seen: ${JSON.stringify(latest.get(name)?.status ?? null)}`));
        }, timeoutMs);
        waiters.add(entry);
      });
    },
    stop: () => w.stop(),
  };
}
