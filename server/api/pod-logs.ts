import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import { KedgeError, isKedgeError } from '../../shared/errors.js';
import type { RpcLogsRequest } from '../../shared/rpc.js';
import { podTarget, waitingError } from './pod-target.js';
import type { ApiDeps } from './types.js';

/** Query → the logs request (without the pod); names the parameter at fault. */
export function logOptions(q: (name: string) => string | undefined, now: number): Omit<RpcLogsRequest, 'op' | 'pod' | 'container' | 'restartCount'> {
  const bool = (name: string) => {
    const v = q(name);
    if (v === undefined || v === '' || v === 'false' || v === '0') return false;
    if (v === 'true' || v === '1') return true;
    throw new KedgeError('BadRequest', `${name}: "${v}" is not a boolean; use true or false`);
  };
  const int = (name: string, min: number) => {
    const v = q(name);
    if (v === undefined || v === '') return undefined;
    if (!/^-?[0-9]+$/.test(v) || Number(v) < min) throw new KedgeError('BadRequest', `${name}: "${v}" must be a whole number of at least ${min}`);
    return Number(v);
  };
  if (bool('timestamps')) {
    throw new KedgeError('BadRequest', "timestamps: kedge's container log files hold the raw output without per-line times; drop --timestamps");
  }
  const tailLines = int('tailLines', 0);
  const sinceSeconds = int('sinceSeconds', 1);
  const sinceTime = q('sinceTime');
  let sinceMs: number | undefined;
  if (sinceSeconds !== undefined) sinceMs = now - sinceSeconds * 1000;
  if (sinceTime) {
    if (sinceSeconds !== undefined) throw new KedgeError('BadRequest', 'sinceTime: give sinceSeconds or sinceTime, not both');
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw new KedgeError('BadRequest', `sinceTime: "${sinceTime}" is not an RFC 3339 time`);
    sinceMs = t;
  }
  const limitBytes = int('limitBytes', 1);
  const follow = bool('follow');
  const previous = bool('previous');
  return {
    ...(follow ? { follow } : {}),
    ...(previous ? { previous } : {}),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(sinceMs !== undefined ? { sinceMs } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
  };
}

/**
 * GET /api/v1/namespaces/{ns}/pods/{name}/log, what kubectl logs calls: the node streams the file
 * over MQTT (it has no open port); plain text, streamed while following.
 */
export function podLogRoutes(deps: Pick<ApiDeps, 'store' | 'rpc' | 'log'> & { now?: () => number }): Hono {
  const app = new Hono();
  const now = deps.now ?? Date.now;
  app.get('/api/v1/namespaces/:namespace/pods/:name/log', async (c: Context) => {
    const { namespace, name } = c.req.param() as { namespace: string; name: string };
    const opts = logOptions((n) => c.req.query(n), now());
    const t = podTarget(deps.store, namespace, name, c.req.query('container'));
    if (opts.previous && (t.status?.restartCount ?? 0) === 0) {
      throw new KedgeError('BadRequest', `previous terminated container "${t.container}" in pod "${name}" not found`);
    }
    if (!opts.previous && t.status?.state.waiting && t.status.restartCount === 0) throw waitingError(t)!;
    if (!deps.rpc) throw new KedgeError('ServiceUnavailable', 'this server cannot reach nodes (no MQTT broker)');
    const pod = { namespace, name, uid: t.pod.metadata.uid ?? '' };
    const call = deps.rpc.open(
      t.node,
      { op: 'logs', pod, container: t.container, ...(t.status ? { restartCount: t.status.restartCount } : {}), ...opts },
      { idleTimeoutMs: opts.follow ? 0 : 30_000 },
    );
    try {
      await call.opened;
    } catch (e) {
      if (isKedgeError(e, 'NotFound')) throw waitingError(t) ?? e;
      throw e;
    }
    c.header('Content-Type', 'text/plain; charset=utf-8');
    c.header('Cache-Control', 'no-cache, private');
    return stream(
      c,
      async (s) => {
        s.onAbort(() => call.cancel());
        // The client may have gone while the node was opening the file: then no abort event follows.
        if (c.req.raw.signal.aborted) return call.cancel();
        c.req.raw.signal.addEventListener('abort', () => call.cancel());
        try {
          for await (const chunk of call.chunks) {
            if (s.aborted) break;
            await s.write(chunk.data);
          }
        } catch (e) {
          // The status line is sent already: the stream just ends, and the reason goes to the log.
          deps.log?.(`logs of pod ${namespace}/${name} (${t.container}) from node ${t.node} ended early: ${(e as Error).message}`);
        }
      },
      async () => call.cancel(),
    );
  });
  return app;
}
