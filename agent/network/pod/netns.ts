/**
 * Network namespaces kept alive by a bind mount on a file (what `ip netns add` does, in a
 * directory of the agent's own): made with `unshare --net=<file>`, ended with `umount`.
 */
import { mkdir, open, readdir, statfs, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KedgeError } from '../../../shared/errors.js';
import { describeFailure } from '../../runtime/ctr/run-process.js';
import type { Exec } from './cni/invoke.js';

/** statfs type of nsfs: the file is a live namespace, not the empty file a reboot leaves behind. */
const nsfsMagic = 0x6e736673;

export interface NetnsOps {
  create(path: string): Promise<void>;
  /** Keeps the caller's own namespace (the node's network) at path. */
  pin(path: string): Promise<void>;
  /** Unmounts and deletes; a namespace that is already gone is fine. */
  remove(path: string): Promise<void>;
  isLive(path: string): Promise<boolean>;
  /** The files in a namespace directory (live or not). */
  list(dir: string): Promise<string[]>;
}

export function createNetnsOps(o: { exec: Exec }): NetnsOps {
  async function isLive(path: string): Promise<boolean> {
    try {
      return Number((await statfs(path)).type) === nsfsMagic;
    } catch {
      return false;
    }
  }

  async function run(file: string, args: string[]): Promise<void> {
    const r = await o.exec(file, args, { timeoutMs: 30_000 });
    if (r.exitCode !== 0) throw new KedgeError('InternalError', `${file} ${args.join(' ')}: ${r.stderr.trim() || describeFailure(file, r)}`);
  }

  return {
    isLive,
    async create(path) {
      await mkdir(dirname(path), { recursive: true, mode: 0o755 });
      if (await isLive(path)) throw new KedgeError('AlreadyExists', `network namespace ${path} already exists`);
      await (await open(path, 'w', 0o444)).close();
      try {
        await run('unshare', [`--net=${path}`, 'true']);
      } catch (e) {
        await unlink(path).catch(() => undefined);
        throw new KedgeError('InternalError', `cannot create the network namespace ${path}: ${(e as Error).message}`, { cause: e });
      }
    },
    async pin(path) {
      if (await isLive(path)) return;
      await mkdir(dirname(path), { recursive: true, mode: 0o755 });
      await (await open(path, 'w', 0o444)).close();
      await run('mount', ['--bind', '/proc/self/ns/net', path]);
    },
    async remove(path) {
      if (await isLive(path)) {
        try {
          await run('umount', [path]);
        } catch {
          // Busy (something holds the mount): detach it now, the kernel frees it when it can.
          await run('umount', ['-l', path]);
        }
      }
      await unlink(path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    },
    async list(dir) {
      try {
        return (await readdir(dir)).map((f) => join(dir, f));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
    },
  };
}
