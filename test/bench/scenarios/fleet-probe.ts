/** API traffic while the fleet runs: what an operator and a dashboard do, timed per request. */
import type { ServerHandle } from '../kedge-process.js';
import { simNodeName } from '../sim/fleet.js';
import { summarize, type Summary } from '../stats.js';

const ops = ['get pod', 'get node', 'list configmaps', 'create+delete configmap'] as const;
/** Mostly reads, as dashboards and operators do; one turn in ten writes (and deletes) a ConfigMap. */
const mix: (typeof ops)[number][] = ['get pod', 'get node', 'get pod', 'list configmaps', 'get node', 'get pod', 'get node', 'list configmaps', 'get pod', 'create+delete configmap'];

export interface ApiProbeResult {
  all: Summary;
  byOp: Record<string, Summary>;
  errors: number;
  firstError?: string;
}

/** Four clients in a closed loop with 100 ms between turns, for `seconds`. */
export async function probeApi(server: ServerHandle, o: { seconds: number; nodes: number; perNode: number; clients?: number }): Promise<ApiProbeResult> {
  const lat = new Map<string, number[]>(ops.map((op) => [op, []]));
  const end = performance.now() + o.seconds * 1000;
  let errors = 0;
  let firstError: string | undefined;
  let seq = 0;
  const pick = (n: number) => Math.floor(Math.random() * n);
  const timed = async (op: (typeof ops)[number], method: string, path: string, body?: unknown, ok = [200, 201]) => {
    const r = await server.client.request(method, path, body);
    lat.get(op)!.push(r.ms);
    if (!ok.includes(r.status)) {
      errors++;
      firstError ??= `${method} ${path}: HTTP ${r.status} ${r.text.slice(0, 200)}`;
    }
    return r.ms;
  };
  const worker = async (w: number) => {
    while (performance.now() < end) {
      const op = mix[(seq++ + w * 3) % mix.length]!;
      const node = pick(o.nodes);
      switch (op) {
        case 'get pod':
          await timed(op, 'GET', `/api/v1/namespaces/default/pods/f-${node}-${pick(o.perNode)}`);
          break;
        case 'get node':
          await timed(op, 'GET', `/api/v1/nodes/${simNodeName(node)}`);
          break;
        case 'list configmaps':
          await timed(op, 'GET', '/api/v1/namespaces/default/configmaps?labelSelector=kedge.io%2Fbench-probe%3Dtrue');
          break;
        case 'create+delete configmap': {
          const name = `probe-${w}-${seq}`;
          const a = await server.client.request('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { 'kedge.io/bench-probe': 'true' } }, data: { k: 'v' } });
          const b = await server.client.request('DELETE', `/api/v1/namespaces/default/configmaps/${name}`);
          lat.get(op)!.push(a.ms, b.ms);
          if (a.status >= 300 || b.status >= 300) {
            errors++;
            firstError ??= `configmap ${name}: HTTP ${a.status}/${b.status} ${a.text.slice(0, 200)}`;
          }
          break;
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await Promise.all(Array.from({ length: o.clients ?? 4 }, (_, w) => worker(w)));
  const all = [...lat.values()].flat();
  return { all: summarize(all), byOp: Object.fromEntries([...lat].map(([k, v]) => [k, summarize(v)])), errors, ...(firstError ? { firstError } : {}) };
}
