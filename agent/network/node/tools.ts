import { readFile, writeFile } from 'node:fs/promises';
import { KedgeError } from '../../../shared/errors.js';
import { describeFailure, runProcess } from '../../runtime/ctr/run-process.js';

/** The commands the node's network is read and changed with; tests point them into a network namespace. */
export interface NetTools {
  /** Runs ip(8) or bridge(8); `stdin` feeds `-batch -`. Resolves to stdout; rejects with stderr. */
  run(tool: 'ip' | 'bridge', args: string[], stdin?: string): Promise<string>;
  /** Sets a sysctl such as net.ipv4.ip_forward. */
  sysctl(key: string, value: string): Promise<void>;
}

/** Runs a command, rejecting with a KedgeError that quotes the command and its stderr. */
export async function runCommand(file: string, args: string[], stdin?: string): Promise<string> {
  const r = await runProcess(file, args, { timeoutMs: 30_000, ...(stdin !== undefined ? { input: stdin } : {}) });
  if (r.exitCode === 0) return r.stdout;
  const why = r.spawnError?.code === 'ENOENT' ? `${file} is not installed (the iproute2 package)` : r.stderr.trim() || describeFailure(file, r);
  throw new KedgeError('InternalError', `${file} ${args.join(' ')}: ${why}`, { cause: r.spawnError });
}

/** The host's own tools: `ip` and `bridge` from iproute2, sysctls through /proc/sys. */
export function hostNetTools(): NetTools {
  return {
    run: (tool, args, stdin) => runCommand(tool, args, stdin),
    async sysctl(key, value) {
      const path = `/proc/sys/${key.replaceAll('.', '/')}`;
      const now = await readFile(path, 'utf8').catch(() => undefined);
      if (now?.trim() === value) return;
      try {
        await writeFile(path, value);
      } catch (e) {
        throw new KedgeError('InternalError', `cannot set ${key}=${value} (${(e as Error).message}); set it with sysctl -w ${key}=${value}`, { cause: e });
      }
    },
  };
}
