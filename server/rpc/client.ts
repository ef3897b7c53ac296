import { randomBytes } from 'node:crypto';
import { isErrorCode, KedgeError } from '../../shared/errors.js';
import { rpcResponseSchema, type RpcRequest, type RpcResponse } from '../../shared/rpc.js';
import { topics } from '../../shared/topics.js';
import { issuesText } from '../../shared/validate.js';

export interface RpcClientDeps {
  publish(topic: string, payload: string, opts: { qos: 0 | 1; retain: boolean }): Promise<void>;
  newId?: () => string;
  log?: (msg: string) => void;
  /** How long a node has to accept a request (its `open` or `end`); default 10 s. */
  openTimeoutMs?: number;
}

export interface RpcChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

export interface RpcEnd {
  exitCode?: number;
}

export interface RpcCall {
  readonly id: string;
  /** Resolves once the node accepted the request; rejects with the node's error, a timeout or a disconnect. */
  readonly opened: Promise<void>;
  /** The data in order; finishes after the node's `end` (or a cancel), throws when the call fails. */
  readonly chunks: AsyncIterable<RpcChunk>;
  /** Resolves with the `end` message; rejects like `opened`. */
  readonly ended: Promise<RpcEnd>;
  /** Tells the node to stop (logs -f) and ends the call here; a no-op once ended. */
  cancel(): void;
}

export interface OpenOptions {
  /** Longest silence allowed after `open` before the call fails (0: none, for follows); default 30 s. */
  idleTimeoutMs?: number;
}

/** Out-of-order messages held back per call; more means the stream is broken. */
const maxReorder = 256;

/** The server's side of node rpc: publishes requests, reassembles answers by sequence number. */
export function createRpcClient(deps: RpcClientDeps) {
  const log = deps.log ?? (() => {});
  const newId = deps.newId ?? (() => randomBytes(12).toString('base64url'));
  const openTimeoutMs = deps.openTimeoutMs ?? 10_000;
  const calls = new Map<string, Pending>();

  interface Pending {
    node: string;
    receive(msg: RpcResponse): void;
    fail(err: KedgeError): void;
  }

  function open(node: string, request: RpcRequest, o: OpenOptions = {}): RpcCall {
    const id = newId();
    const key = `${node}/${id}`;
    const idleTimeoutMs = o.idleTimeoutMs ?? 30_000;
    const queue: RpcChunk[] = [];
    const held = new Map<number, RpcResponse>();
    let nextSeq = 0;
    let wake: (() => void) | undefined;
    let done = false;
    let failure: KedgeError | undefined;
    let timer: NodeJS.Timeout | undefined;
    let isOpen = false;

    let resolveOpened!: () => void;
    let rejectOpened!: (e: KedgeError) => void;
    const opened = new Promise<void>((res, rej) => ((resolveOpened = res), (rejectOpened = rej)));
    let resolveEnded!: (e: RpcEnd) => void;
    let rejectEnded!: (e: KedgeError) => void;
    const ended = new Promise<RpcEnd>((res, rej) => ((resolveEnded = res), (rejectEnded = rej)));
    // Callers may only await one of them; an unobserved rejection must not crash the server.
    opened.catch(() => undefined);
    ended.catch(() => undefined);

    function arm(ms: number, message: string) {
      clearTimeout(timer);
      timer = ms > 0 ? setTimeout(() => fail(new KedgeError('Timeout', message)), ms) : undefined;
      timer?.unref(); // a pending call must not keep a stopping server alive
    }

    function finish() {
      done = true;
      clearTimeout(timer);
      calls.delete(key);
      wake?.();
    }

    function fail(err: KedgeError) {
      if (done) return;
      failure = err;
      finish();
      rejectOpened(err);
      rejectEnded(err);
    }

    function handle(msg: RpcResponse) {
      if (!isOpen) {
        isOpen = true;
        if (!(msg.type === 'end' && msg.error)) resolveOpened();
      }
      if (msg.type === 'end') {
        if (msg.error) return fail(remoteError(msg.error.code, msg.error.message));
        finish();
        resolveEnded({ ...(msg.exitCode !== undefined ? { exitCode: msg.exitCode } : {}) });
        return;
      }
      arm(idleTimeoutMs, `node ${node} stopped answering request ${id} (nothing for ${idleTimeoutMs / 1000}s)`);
      if (msg.type === 'data') {
        queue.push({ stream: msg.stream, data: Buffer.from(msg.data, 'base64') });
        wake?.();
      }
    }

    calls.set(key, {
      node,
      fail,
      receive(msg) {
        if (done || msg.seq < nextSeq) return; // a duplicate (QoS 1 redelivery) or late
        held.set(msg.seq, msg);
        if (held.size > maxReorder) return fail(new KedgeError('InternalError', `node ${node}: answers to request ${id} arrived too far out of order`));
        let m: RpcResponse | undefined;
        while (!done && (m = held.get(nextSeq)) !== undefined) {
          held.delete(nextSeq++);
          handle(m);
        }
      },
    });
    arm(openTimeoutMs, `node ${node} did not answer within ${openTimeoutMs / 1000}s`);
    deps.publish(topics.rpcRequest(node, id), JSON.stringify(request), { qos: 1, retain: false }).catch((e: Error) =>
      fail(new KedgeError('ServiceUnavailable', `cannot send the request to node ${node}: ${e.message}`, { cause: e })),
    );

    const chunks: AsyncIterable<RpcChunk> = {
      [Symbol.asyncIterator]() {
        return {
          async next(): Promise<IteratorResult<RpcChunk>> {
            for (;;) {
              const c = queue.shift();
              if (c) return { value: c, done: false };
              if (failure) throw failure;
              if (done) return { value: undefined, done: true };
              await new Promise<void>((r) => (wake = r));
              wake = undefined;
            }
          },
          async return(): Promise<IteratorResult<RpcChunk>> {
            cancel();
            return { value: undefined, done: true };
          },
        };
      },
    };

    function cancel() {
      if (done) return;
      finish();
      resolveEnded({});
      rejectOpened(new KedgeError('Gone', `request ${id} to node ${node} was cancelled`));
      deps.publish(topics.rpcRequest(node, id), JSON.stringify({ op: 'cancel' }), { qos: 1, retain: false }).catch((e: Error) =>
        log(`rpc: cannot cancel request ${id} on node ${node}: ${e.message}`),
      );
    }

    return { id, opened, chunks, ended, cancel };
  }

  return {
    open,

    /** Runs a request to its end and collects its output (exec). Output beyond maxBytes fails the call. */
    async collect(node: string, request: RpcRequest, o: OpenOptions & { maxBytes?: number } = {}): Promise<{ stdout: Buffer; stderr: Buffer; exitCode?: number }> {
      const call = open(node, request, o);
      const parts: Record<RpcChunk['stream'], Buffer[]> = { stdout: [], stderr: [] };
      let size = 0;
      const maxBytes = o.maxBytes ?? 16 * 1024 * 1024;
      for await (const c of call.chunks) {
        size += c.data.length;
        if (size > maxBytes) {
          call.cancel();
          throw new KedgeError('RequestEntityTooLarge', `the output of request ${call.id} on node ${node} exceeds ${maxBytes / 1024 / 1024} MiB`);
        }
        parts[c.stream].push(c.data);
      }
      const end = await call.ended;
      return { stdout: Buffer.concat(parts.stdout), stderr: Buffer.concat(parts.stderr), ...end };
    },

    /** An rpc message from a node (topic kedge/v1/nodes/{node}/rpc/{rest}); invalid ones are dropped and logged. */
    onMessage(node: string, rest: string, payload: Buffer): void {
      const m = /^res\/([A-Za-z0-9_-]+)$/.exec(rest);
      if (!m) return log(`rpc: dropped a message from node ${node} on rpc/${rest}: nodes only answer on rpc/res/{id}`);
      const pending = calls.get(`${node}/${m[1]}`);
      if (!pending) return; // cancelled or timed out already
      let json: unknown;
      try {
        json = JSON.parse(payload.toString('utf8'));
      } catch (e) {
        return log(`rpc: dropped an answer from node ${node} to request ${m[1]}: not JSON (${(e as Error).message})`);
      }
      const r = rpcResponseSchema.safeParse(json);
      if (!r.success) {
        return log(`rpc: dropped an answer from node ${node} to request ${m[1]}: ${issuesText(r.error)}`);
      }
      pending.receive(r.data);
    },

    /** A node's connection went away: its calls cannot finish. */
    onNodeConnection(node: string, connected: boolean): void {
      if (connected) return;
      for (const p of [...calls.values()]) {
        if (p.node === node) p.fail(new KedgeError('ServiceUnavailable', `node ${node} disconnected before answering`));
      }
    },

    /** Calls in flight (tests, metrics). */
    get inFlight(): number {
      return calls.size;
    },
  };
}

export type RpcClient = ReturnType<typeof createRpcClient>;

function remoteError(code: string, message: string): KedgeError {
  return new KedgeError(isErrorCode(code) ? code : 'InternalError', message);
}
