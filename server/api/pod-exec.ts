import { Hono } from 'hono';
import { KedgeError } from '../../shared/errors.js';
import { podExecRequestSchema, type PodExecResult } from '../../shared/pod-exec.js';
import { validate } from '../../shared/validate.js';
import { podTarget } from './pod-target.js';
import { readJsonObject } from './request-body.js';
import type { ApiDeps } from './types.js';

const defaultTimeoutSeconds = 60;
/** Output beyond this fails the call: exec is for commands, not for copying files. */
const maxOutputBytes = 8 * 1024 * 1024;

/**
 * POST /kedge/v1/namespaces/{ns}/pods/{name}/exec: runs a command in a container on its node (over
 * MQTT) and answers its output and exit code. kubectl's own exec arrives as a WebSocket upgrade
 * (exec-websocket.ts); attach and port-forward are not served: they get a Status saying so.
 */
export function podExecRoutes(deps: Pick<ApiDeps, 'store' | 'rpc'>): Hono {
  const app = new Hono();
  app.post('/kedge/v1/namespaces/:namespace/pods/:name/exec', async (c) => {
    const { namespace, name } = c.req.param();
    const req = validate(podExecRequestSchema, await readJsonObject(c), { kind: 'PodExecRequest', name });
    const t = podTarget(deps.store, namespace, name, req.container);
    if (!deps.rpc) throw new KedgeError('ServiceUnavailable', 'this server cannot reach nodes (no MQTT broker)');
    const timeoutMs = (req.timeoutSeconds ?? defaultTimeoutSeconds) * 1000;
    const r = await deps.rpc.collect(
      t.node,
      { op: 'exec', pod: { namespace, name, uid: t.pod.metadata.uid ?? '' }, container: t.container, command: req.command, timeoutMs },
      // The node kills the command at timeoutMs; the extra time covers its answer.
      { idleTimeoutMs: timeoutMs + 10_000, maxBytes: maxOutputBytes },
    );
    const result: PodExecResult = { stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), exitCode: r.exitCode ?? 0 };
    return c.json(result);
  });
  // Upgrades go to exec-websocket.ts before reaching here: what is left is a plain request, or attach/port-forward.
  app.on(['GET', 'POST'], '/api/v1/namespaces/:namespace/pods/:name/exec', () => {
    throw new KedgeError('NotFound', 'kedge does not serve pods/exec without a WebSocket upgrade: use kubectl 1.30 or newer, or "kedge exec POD [-c CONTAINER] -- COMMAND ARGS"');
  });
  for (const sub of ['attach', 'portforward']) {
    app.on(['GET', 'POST'], `/api/v1/namespaces/:namespace/pods/:name/${sub}`, () => {
      throw new KedgeError('NotFound', `kedge does not serve pods/${sub}${sub === 'attach' ? '; read the output with "kedge logs -f POD"' : ''}`);
    });
  }
  return app;
}
