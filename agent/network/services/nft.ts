/** The one place that runs `nft`: a script on stdin, applied as one transaction (or only checked). */
import { KedgeError } from '../../../shared/errors.js';
import { describeFailure, runProcess } from '../../runtime/ctr/run-process.js';

export type NftRun = (script: string, opts?: { check?: boolean }) => Promise<void>;

/** Most of nft's complaint fits here; a script with thousands of errors is not repeated whole in a log line. */
const maxMessage = 4000;

/** `command` is how to start nft, e.g. ['ip', 'netns', 'exec', 'ns1', 'nft'] in a test's namespace. */
export function nftRunner(command: readonly string[] = ['nft'], timeoutMs = 60_000): NftRun {
  const [file, ...prefix] = command;
  if (file === undefined) throw new KedgeError('Invalid', 'nft command: empty');
  return async (script, opts = {}) => {
    const r = await runProcess(file, [...prefix, ...(opts.check ? ['-c'] : []), '-f', '-'], { input: script, timeoutMs });
    if (r.exitCode === 0) return;
    if (r.spawnError?.code === 'ENOENT') {
      throw new KedgeError('ServiceUnavailable', `cannot run ${file}: not found (install the nftables package)`, { cause: r.spawnError });
    }
    const why = r.timedOut ? `timed out after ${timeoutMs} ms` : describeFailure(file, r);
    throw new KedgeError('InternalError', `nft -f (table update) failed, ${why}: ${r.stderr.trim().slice(0, maxMessage)}`);
  };
}
