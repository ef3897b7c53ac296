/** Runs one `ctr -a ADDRESS -n NAMESPACE …` with a timeout; the only place the driver spawns ctr. */
import { KedgeError } from '../../../shared/errors.js';
import { runProcess } from './run-process.js';

export interface CtrResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface CtrRunner {
  /** Resolves whatever the exit code; throws only on spawn failure or timeout. */
  run(args: string[], opts?: { timeoutMs?: number; input?: string }): Promise<CtrResult>;
  /** Like run, but a non-zero exit throws a KedgeError carrying ctr's message. */
  ok(args: string[], opts?: { timeoutMs?: number; input?: string }): Promise<string>;
  /** The full argv prefix, for long-lived children (events) and piped imports. */
  readonly base: { file: string; args: string[] };
}

export const defaultTimeoutMs = 30_000;

/** ctr's own message: its last "ctr: …" line, without containerd's logrus noise. */
export function ctrMessage(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const own = lines.filter((l) => l.startsWith('ctr: '));
  return (own.at(-1) ?? lines.at(-1) ?? '').replace(/^ctr: /, '');
}

/** Missing container, task or process: callers that must be idempotent treat these as done. */
export function isNotFound(stderr: string): boolean {
  return /not found/i.test(ctrMessage(stderr));
}

export function createCtrRunner(o: { address: string; namespace: string; ctrPath: string }): CtrRunner {
  // Without a connect timeout ctr waits 10 s for a dead socket before failing.
  const base = { file: o.ctrPath, args: ['-a', o.address, '-n', o.namespace, '--connect-timeout', '5s'] };
  async function run(args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<CtrResult> {
    const timeout = opts.timeoutMs ?? defaultTimeoutMs;
    const r = await runProcess(base.file, [...base.args, ...args], { timeoutMs: timeout, ...(opts.input !== undefined ? { input: opts.input } : {}) });
    if (r.timedOut) {
      throw new KedgeError('Timeout', `ctr ${args.slice(0, 2).join(' ')} did not finish within ${timeout} ms (containerd at ${o.address})`);
    }
    if (r.spawnError || r.exitCode === null) {
      const why = r.spawnError?.message ?? `killed by ${r.signal}`;
      throw new KedgeError('ServiceUnavailable', `cannot run ${base.file}: ${why}`, { cause: r.spawnError });
    }
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  }
  async function ok(args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<string> {
    const r = await run(args, opts);
    if (r.exitCode !== 0) {
      const msg = ctrMessage(r.stderr) || `exit code ${r.exitCode}`;
      throw new KedgeError(isNotFound(r.stderr) ? 'NotFound' : 'InternalError', `ctr ${args.slice(0, 2).join(' ')}: ${msg}`);
    }
    return r.stdout;
  }
  return { run, ok, base };
}
