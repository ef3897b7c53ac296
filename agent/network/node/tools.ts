import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { KedgeError } from '../../../shared/errors.js';

/** The commands the node's network is read and changed with; tests point them into a network namespace. */
export interface NetTools {
  /** Runs ip(8) or bridge(8); `stdin` feeds `-batch -`. Resolves to stdout; rejects with stderr. */
  run(tool: 'ip' | 'bridge', args: string[], stdin?: string): Promise<string>;
  /** Sets a sysctl such as net.ipv4.ip_forward. */
  sysctl(key: string, value: string): Promise<void>;
}

/** Runs a command, rejecting with a KedgeError that quotes the command and its stderr. */
export function runCommand(file: string, args: string[], stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { encoding: 'utf8', timeout: 30_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      const why = missing ? `${file} is not installed (the iproute2 package)` : (stderr.trim() || err.message);
      reject(new KedgeError('InternalError', `${file} ${args.join(' ')}: ${why}`, { cause: err }));
    });
    // A command that exits without reading its input breaks the pipe; its exit status says what happened.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(stdin ?? '');
  });
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

/** The same tools inside network namespace `ns` (tests, and nodes simulated in namespaces). */
export function netnsTools(ns: string): NetTools {
  return {
    run: (tool, args, stdin) => runCommand('ip', ['netns', 'exec', ns, tool, ...args], stdin),
    sysctl: async (key, value) => void (await runCommand('ip', ['netns', 'exec', ns, 'sh', '-c', `echo ${value} > /proc/sys/${key.replaceAll('.', '/')}`])),
  };
}
