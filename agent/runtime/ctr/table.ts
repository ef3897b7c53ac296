/** Parsers for the text `ctr` prints; kept apart so they can be tested on captured output. */
import type { TaskExit, TaskStatus } from '../driver.js';

/** Data rows of a whitespace-aligned table, header dropped; each row split on runs of spaces. */
function rows(text: string, header: string): string[][] {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const body = lines[0]?.startsWith(header) ? lines.slice(1) : lines;
  return body.map((l) => l.split(/\s+/));
}

export interface ContainerRow {
  id: string;
  image: string;
}

/** `ctr containers ls`: CONTAINER IMAGE RUNTIME. */
export function parseContainerList(text: string): ContainerRow[] {
  return rows(text, 'CONTAINER').filter((r) => r.length >= 2).map((r) => ({ id: r[0], image: r[1] }));
}

export interface TaskRow {
  id: string;
  pid: number;
  status: TaskStatus;
}

const statuses: Record<string, TaskStatus> = {
  RUNNING: 'running',
  STOPPED: 'stopped',
  CREATED: 'created',
  PAUSED: 'paused',
  PAUSING: 'paused',
};

/** `ctr tasks ls`: TASK PID STATUS. */
export function parseTaskList(text: string): TaskRow[] {
  return rows(text, 'TASK').filter((r) => r.length >= 3).map((r) => ({
    id: r[0],
    pid: Number(r[1]),
    status: statuses[r[2].toUpperCase()] ?? 'unknown',
  }));
}

export interface ImageRow {
  ref: string;
  mediaType: string;
  digest: string;
}

/** `ctr images ls`: REF TYPE DIGEST SIZE PLATFORMS LABELS (SIZE holds a space, so only the first three are read). */
export function parseImageList(text: string): ImageRow[] {
  return rows(text, 'REF').filter((r) => r.length >= 3 && r[2].includes(':')).map((r) => ({
    ref: r[0],
    mediaType: r[1],
    digest: r[2],
  }));
}

/** The server's version from `ctr version`, e.g. "1.6.20~ds1". */
export function parseServerVersion(text: string): string | null {
  const server = text.split(/^Server:\s*$/m)[1];
  const m = server?.match(/^\s*Version:\s*(\S+)/m);
  return m ? m[1] : null;
}

/** Image names from `ctr images import` lines like "unpacking NAME (sha256:…)...done". */
export function parseImportedNames(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/^unpacking (\S+) \(sha256:[0-9a-f]+\)/gm)) {
    if (!names.includes(m[1])) names.push(m[1]);
  }
  return names;
}

export interface CtrEvent {
  namespace: string;
  topic: string;
  payload: Record<string, unknown>;
}

/** One `ctr events` line: "<date> <time> <zone offset> <zone> <namespace> <topic> <json>". */
export function parseEventLine(line: string): CtrEvent | null {
  const brace = line.indexOf('{');
  if (brace < 0) return null;
  const head = line.slice(0, brace).trim().split(' ');
  if (head.length < 6) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(line.slice(brace));
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null) return null;
  return { namespace: head[head.length - 2], topic: head[head.length - 1], payload: payload as Record<string, unknown> };
}

/** A task exit of the container's own init process; exits of exec processes carry another id and give null. */
export function taskExitOf(ev: CtrEvent): TaskExit | null {
  if (ev.topic !== '/tasks/exit') return null;
  const { container_id: containerId, id, exit_status: status, exited_at: exitedAt } = ev.payload;
  if (typeof containerId !== 'string' || id !== containerId) return null;
  // protobuf JSON omits zero values, so a missing exit_status means 0.
  return {
    id: containerId,
    exitCode: typeof status === 'number' ? status : 0,
    exitedAt: typeof exitedAt === 'string' ? exitedAt : new Date(0).toISOString(),
  };
}
