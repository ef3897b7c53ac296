/** Serving `logs` requests: the file of one container run, its rotated copy, tail, since, follow. */
import { open } from 'node:fs/promises';
import type { RpcLogsRequest } from '../../shared/rpc.js';
import { rpcChunkBytes } from '../../shared/rpc.js';
import { fileSize, findLogRun, logRuns, tailStart, type LogRun } from './log-files.js';

export interface LogStreamDeps {
  root: string;
  nodeName: string;
  /** The file was found; called once, before any write. */
  opened(): void;
  /** Sends bytes to the server (paced); false when that is no longer possible (offline, cancelled). */
  write(data: Buffer): Promise<boolean>;
  /** Whether the container's current task runs; false ends a follow once the file is drained. */
  containerRunning(uid: string, container: string): boolean;
  /** Resolves after `ms`, or early when the stream is cancelled. */
  sleep(ms: number): Promise<void>;
  cancelled(): boolean;
  /** Follow poll period; default 250 ms. */
  pollMs?: number;
}

interface Segment {
  path: string;
  start: number;
  end: number;
}

/**
 * Streams the requested log: with `previous` the run before the current one, else the current run
 * (its copy-truncate rotation `.1` first). Resolves when everything asked for was sent.
 */
export async function streamLogs(req: RpcLogsRequest, d: LogStreamDeps): Promise<void> {
  const target = { namespace: req.pod.namespace, pod: req.pod.name, uid: req.pod.uid, container: req.container };
  const run = await findLogRun(d.root, target, { restartCount: req.restartCount, previous: req.previous, nodeName: d.nodeName });
  d.opened();
  const segments = await initialSegments(run, req);
  let budget = req.limitBytes ?? Infinity;
  const send = async (data: Buffer): Promise<boolean> => {
    const part = data.length > budget ? data.subarray(0, budget) : data;
    budget -= part.length;
    return part.length === 0 || d.write(part);
  };

  for (const s of segments) {
    if (!(await copyRange(s.path, s.start, s.end, send, d)) || budget <= 0) return;
  }
  if (!req.follow || req.previous) return;

  // Following: the current file from where the initial read ended, until the container stops.
  let offset = segments.at(-1)?.path === run.path ? segments.at(-1)!.end : (await fileSize(run.path))?.size ?? 0;
  const pollMs = d.pollMs ?? 250;
  for (;;) {
    if (d.cancelled()) return;
    const running = d.containerRunning(req.pod.uid, req.container);
    const st = await fileSize(run.path);
    if (!st) return; // the pod's logs were removed
    if (st.size < offset) offset = 0; // copy-truncate rotation: the shim writes from 0 again
    if (st.size > offset) {
      if (!(await copyRange(run.path, offset, st.size, send, d)) || budget <= 0) return;
      offset = st.size;
      continue;
    }
    // Drained: stop once the run is over (container stopped, or a restart opened a newer file).
    if (!running || (await logRuns(run.dir))[0]! > run.run) return;
    await d.sleep(pollMs);
  }
}

async function initialSegments(run: LogRun, req: RpcLogsRequest): Promise<Segment[]> {
  const rotated = `${run.path}.1`;
  const files = [rotated, run.path];
  const out: Segment[] = [];
  for (const path of files) {
    const st = await fileSize(path);
    if (!st) continue;
    // No per-line times: a file last written before --since holds nothing newer.
    if (req.sinceMs !== undefined && st.mtimeMs < req.sinceMs) continue;
    out.push({ path, start: 0, end: st.size });
  }
  if (req.tailLines === undefined) return out;
  // Tail across the current file and, when it is short, the rotated copy before it.
  let wanted = req.tailLines;
  const kept: Segment[] = [];
  for (const s of [...out].reverse()) {
    if (wanted <= 0) break;
    const t = await tailStart(s.path, s.end, wanted);
    kept.unshift({ ...s, start: t.offset });
    wanted -= t.found;
  }
  if (kept.length === 0 && out.length > 0) {
    const last = out.at(-1)!;
    return [{ ...last, start: last.end }];
  }
  return kept;
}

/** Sends [start, end) of a file in chunks; false when sending stopped. */
async function copyRange(path: string, start: number, end: number, send: (b: Buffer) => Promise<boolean>, d: Pick<LogStreamDeps, 'cancelled'>): Promise<boolean> {
  if (end <= start) return true;
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
  try {
    const buf = Buffer.alloc(Math.min(rpcChunkBytes, end - start));
    let pos = start;
    while (pos < end) {
      if (d.cancelled()) return false;
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - pos), pos);
      if (bytesRead === 0) break; // truncated under us
      if (!(await send(Buffer.from(buf.subarray(0, bytesRead))))) return false;
      pos += bytesRead;
    }
    return true;
  } finally {
    await fh.close();
  }
}
