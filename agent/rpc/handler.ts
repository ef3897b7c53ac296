/** The node's side of rpc: validates requests from the server, runs logs and exec, answers in sequence. */
import { KedgeError } from '../../shared/errors.js';
import { chunkBytes, rpcIdSchema, rpcRequestSchema, type RpcExecRequest, type RpcLogsRequest, type RpcResponse } from '../../shared/rpc.js';
import { issuesText } from '../../shared/validate.js';
import type { RuntimeDriver } from '../runtime/driver.js';
import { streamLogs } from './logs.js';
import { createPacer, type Pacer } from './pacer.js';

export interface RpcHandlerDeps {
  nodeName: string;
  /** Publishes one answer on rpc/res/{id}; false when offline (the stream then stops). */
  send(id: string, msg: RpcResponse): boolean;
  driver: Pick<RuntimeDriver, 'exec'>;
  logsRoot: string;
  /** The runtime container id of a pod's container (agent/reconciler/ids.ts). */
  containerId(uid: string, container: string): string;
  /** true: its task runs; false: it exited; undefined: this node does not know the container. */
  containerRunning(uid: string, container: string): boolean | undefined;
  log?: (msg: string) => void;
  /** Requests served at once; more are refused (a Pi has little to spare). Default 16. */
  maxActive?: number;
  pollMs?: number;
  /** Keeps data messages under the broker's per-node rate limit. */
  pacer?: Pacer;
}

export interface RpcHandler {
  /** A message on rpc/req/{id}. */
  onRequest(id: string, payload: Buffer): void;
  /** Stops every stream (the MQTT connection is gone, or the agent stops). */
  cancelAll(): void;
  readonly active: number;
}

/** An answer before its sequence number is stamped on. */
type Answer = RpcResponse extends infer R ? (R extends RpcResponse ? Omit<R, 'seq'> : never) : never;

interface Active {
  cancelled: boolean;
  wake?: () => void;
}

export function createRpcHandler(d: RpcHandlerDeps): RpcHandler {
  const log = d.log ?? (() => {});
  const maxActive = d.maxActive ?? 16;
  const active = new Map<string, Active>();
  const pacer = d.pacer ?? createPacer();

  function cancel(id: string) {
    const a = active.get(id);
    if (!a) return;
    a.cancelled = true;
    a.wake?.();
    active.delete(id);
  }

  async function serve(id: string, a: Active, run: (send: (m: Answer) => boolean) => Promise<number | undefined>) {
    let seq = 0;
    const send = (m: Answer): boolean => !a.cancelled && d.send(id, { ...m, seq: seq++ } as RpcResponse);
    try {
      const exitCode = await run(send);
      if (!a.cancelled) send({ type: 'end', ...(exitCode !== undefined ? { exitCode } : {}) });
    } catch (e) {
      const err = e instanceof KedgeError ? e : new KedgeError('InternalError', `node ${d.nodeName}: ${(e as Error).message}`, { cause: e });
      if (!(e instanceof KedgeError)) log(`rpc ${id}: ${(e as Error).stack ?? (e as Error).message}`);
      if (!a.cancelled) send({ type: 'end', error: { code: err.code, message: err.message.slice(0, 4000) } });
    } finally {
      if (active.get(id) === a) active.delete(id);
    }
  }

  function runningOrThrow(uid: string, container: string, pod: string) {
    const running = d.containerRunning(uid, container);
    if (running === undefined) throw new KedgeError('NotFound', `container "${container}" of pod "${pod}" does not exist on node ${d.nodeName}`);
    if (!running) throw new KedgeError('Conflict', `container "${container}" of pod "${pod}" is not running on node ${d.nodeName}`);
  }

  function logs(id: string, a: Active, req: RpcLogsRequest) {
    return serve(id, a, async (send) => {
      await streamLogs(req, {
        root: d.logsRoot,
        nodeName: d.nodeName,
        // The file exists: say so before any data, so a quiet follow does not look like a dead node.
        opened: () => void send({ type: 'open' }),
        write: async (data) => {
          await pacer.take();
          return send({ type: 'data', stream: 'stdout', data: data.toString('base64') });
        },
        containerRunning: (uid, c) => d.containerRunning(uid, c) === true,
        cancelled: () => a.cancelled,
        sleep: (ms) =>
          new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(t);
              a.wake = undefined;
              resolve();
            };
            const t = setTimeout(done, ms);
            a.wake = done;
          }),
        pollMs: d.pollMs,
      });
      return undefined;
    });
  }

  function exec(id: string, a: Active, req: RpcExecRequest) {
    return serve(id, a, async (send) => {
      runningOrThrow(req.pod.uid, req.container, req.pod.name);
      send({ type: 'open' });
      const r = await d.driver.exec(d.containerId(req.pod.uid, req.container), req.command, req.timeoutMs);
      for (const [stream, text] of [['stdout', r.stdout], ['stderr', r.stderr]] as const) {
        for (const c of chunkBytes(Buffer.from(text, 'utf8'))) {
          await pacer.take();
          if (!send({ type: 'data', stream, data: c.toString('base64') })) return undefined;
        }
      }
      return r.exitCode;
    });
  }

  return {
    onRequest(id, payload) {
      if (!rpcIdSchema.safeParse(id).success) return log(`rpc: dropped a request with a malformed id "${id.slice(0, 80)}"`);
      let json: unknown;
      try {
        json = JSON.parse(payload.toString('utf8'));
      } catch (e) {
        return log(`rpc ${id}: dropped a request that is not JSON (${(e as Error).message})`);
      }
      const r = rpcRequestSchema.safeParse(json);
      if (!r.success) {
        const why = issuesText(r.error);
        log(`rpc ${id}: dropped an invalid request (${why})`);
        d.send(id, { type: 'end', seq: 0, error: { code: 'BadRequest', message: `node ${d.nodeName} cannot read the request: ${why}` } });
        return;
      }
      const req = r.data;
      if (req.op === 'cancel') return cancel(id);
      if (active.has(id)) return; // a QoS 1 redelivery of a request already running
      if (active.size >= maxActive) {
        d.send(id, { type: 'end', seq: 0, error: { code: 'TooManyRequests', message: `node ${d.nodeName} is already serving ${maxActive} logs/exec requests; try again shortly` } });
        return;
      }
      const a: Active = { cancelled: false };
      active.set(id, a);
      void (req.op === 'logs' ? logs(id, a, req) : exec(id, a, req));
    },
    cancelAll() {
      for (const id of [...active.keys()]) cancel(id);
    },
    get active() {
      return active.size;
    },
  };
}
