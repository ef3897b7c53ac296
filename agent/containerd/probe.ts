/** Is a containerd listening at this socket, and which version is it? */
import { connect } from 'node:net';
import { runProcess } from '../runtime/ctr/run-process.js';
import { parseServerVersion } from '../runtime/ctr/table.js';

/** A cheap check (no process spawned): does something accept connections on the unix socket? */
export function socketAnswers(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const done = (ok: boolean): void => { clearTimeout(t); s.destroy(); resolve(ok); };
    const t = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export type VersionProbe = { ok: true; version: string } | { ok: false; error: string };

/** `ctr -a ADDRESS version`; the server part must answer. */
export async function containerdVersion(ctrPath: string, address: string, timeoutMs = 8000): Promise<VersionProbe> {
  const r = await runProcess(ctrPath, ['-a', address, '--connect-timeout', '3s', 'version'], { timeoutMs });
  const version = r.exitCode === 0 ? parseServerVersion(r.stdout) : null;
  if (version) return { ok: true, version };
  const err =
    r.stderr.trim().split('\n').at(-1) ||
    (r.spawnError ? r.spawnError.message : r.timedOut ? `no answer within ${timeoutMs} ms` : r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`);
  return { ok: false, error: err.replace(/^ctr: /, '') };
}
