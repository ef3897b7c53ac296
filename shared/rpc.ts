import { z } from 'zod';

/**
 * Request/response over MQTT 3.1.1, which has no response topic or correlation data: the id lives
 * in the topic. The server publishes a request on kedge/v1/nodes/{node}/rpc/req/{id} (a `cancel`
 * on the same topic stops a stream); the node answers on kedge/v1/nodes/{node}/rpc/res/{id} with
 * `open`, then `data` chunks, then one `end`, each with the next sequence number.
 */

/** Request ids become topic segments: no separators, no wildcards. */
export const rpcIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'rpc ids are 8-64 letters, digits, _ or -');

/** Raw bytes per data message; base64 makes it about 87 KiB, well under the broker's 256 KiB cap. */
export const rpcChunkBytes = 64 * 1024;

const podRefSchema = z.object({ namespace: z.string().min(1), name: z.string().min(1), uid: z.string().min(1) });

export const rpcLogsRequestSchema = z.object({
  op: z.literal('logs'),
  pod: podRefSchema,
  container: z.string().min(1),
  /** The run the server believes current (status.containerStatuses[].restartCount). */
  restartCount: z.number().int().min(0).optional(),
  /** The run before the current one. */
  previous: z.boolean().optional(),
  follow: z.boolean().optional(),
  tailLines: z.number().int().min(0).optional(),
  /** Epoch ms: log files carry no per-line times, so a file last written before this is skipped whole. */
  sinceMs: z.number().int().optional(),
  limitBytes: z.number().int().min(1).optional(),
});
export type RpcLogsRequest = z.infer<typeof rpcLogsRequestSchema>;

export const rpcExecRequestSchema = z.object({
  op: z.literal('exec'),
  pod: podRefSchema,
  container: z.string().min(1),
  command: z.array(z.string()).min(1).max(1024),
  timeoutMs: z.number().int().min(1).max(24 * 3600_000),
});
export type RpcExecRequest = z.infer<typeof rpcExecRequestSchema>;

/** Stops the stream of the same id (kubectl logs -f ended, the HTTP client went away). */
export const rpcCancelSchema = z.object({ op: z.literal('cancel') });

export const rpcRequestSchema = z.discriminatedUnion('op', [rpcLogsRequestSchema, rpcExecRequestSchema, rpcCancelSchema]);
export type RpcRequest = z.infer<typeof rpcRequestSchema>;

const seq = z.number().int().min(0);

export const rpcErrorSchema = z.object({ code: z.string().max(64), message: z.string().max(4096) });
export type RpcError = z.infer<typeof rpcErrorSchema>;

export const rpcResponseSchema = z.discriminatedUnion('type', [
  /** The node accepted the request; data may follow much later (logs -f on a quiet container). */
  z.object({ type: z.literal('open'), seq }),
  /** base64 of up to rpcChunkBytes bytes. */
  z.object({ type: z.literal('data'), seq, stream: z.enum(['stdout', 'stderr']), data: z.string().max(Math.ceil(rpcChunkBytes / 3) * 4 + 4) }),
  /** The last message: an exec's exit code, or why the request failed. */
  z.object({ type: z.literal('end'), seq, exitCode: z.number().int().optional(), error: rpcErrorSchema.optional() }),
]);
export type RpcResponse = z.infer<typeof rpcResponseSchema>;

/** Splits output into data messages no bigger than rpcChunkBytes. */
export function chunkBytes(buf: Buffer, size = rpcChunkBytes): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}
