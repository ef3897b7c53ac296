/** Creates, refreshes and removes pod volume directories on the node. */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, mkdir, open, readdir, rm, stat, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KedgeError } from '../../shared/errors.js';
import type { Mount } from '../runtime/driver.js';
import { writeAtomicDir } from './atomic-dir.js';
import { podVolumeDir, type PlannedVolume, type VolumeRoots } from './plan.js';

export interface VolumeManager {
  readonly roots: VolumeRoots;
  /** Makes the pod's volumes exist with their current content (idempotent), then any subPath a mount needs. */
  prepare(uid: string, volumes: readonly PlannedVolume[], mounts?: readonly Mount[]): Promise<void>;
  /** Whether prepare ran for this pod since the agent started (only those get configMap/secret refreshes). */
  has(uid: string): boolean;
  /** Removes every volume directory of a pod (hostPath volumes are the host's and stay). */
  remove(uid: string): Promise<void>;
  /** Removes pod directories whose uid is not in `keep` (pods gone while the agent was down). */
  prune(keep: ReadonlySet<string>): Promise<void>;
}

const tmpfsMagic = 0x01021994;

/** A tmpfs directory for secrets when /run is one and writable, else a directory under the data dir. */
export async function chooseMemoryRoot(o: { dataDir: string; nodeName: string; runDir?: string }): Promise<string> {
  const run = o.runDir ?? '/run';
  try {
    const fs = await statfs(run);
    await access(run, constants.W_OK);
    if (Number(fs.type) === tmpfsMagic) return join(run, 'kedge', o.nodeName, 'pods');
  } catch {
    // no /run: fall through
  }
  return join(o.dataDir, 'pods');
}

function digest(volume: PlannedVolume): string {
  const h = createHash('sha256');
  if (volume.type === 'files') for (const f of volume.files) h.update(`${f.path}\0${f.mode}\0`).update(f.content).update('\0');
  return h.digest('hex');
}

async function ensureHostPath(v: Extract<PlannedVolume, { type: 'hostPath' }>): Promise<void> {
  const st = await stat(v.dir).catch(() => undefined);
  const fail = (what: string) => new KedgeError('NotFound', `hostPath volume "${v.name}": ${v.dir} ${what}`);
  switch (v.hostType) {
    case 'DirectoryOrCreate':
      if (!st) await mkdir(v.dir, { recursive: true, mode: 0o755 });
      else if (!st.isDirectory()) throw fail('is not a directory');
      return;
    case 'FileOrCreate':
      if (!st) await (await open(v.dir, 'a', 0o644)).close();
      else if (!st.isFile()) throw fail('is not a file');
      return;
    case 'Directory':
      if (!st?.isDirectory()) throw fail('is not an existing directory');
      return;
    case 'File':
      if (!st?.isFile()) throw fail('is not an existing file');
      return;
    case 'Socket':
      if (!st?.isSocket()) throw fail('is not an existing socket');
      return;
    case 'CharDevice':
      if (!st?.isCharacterDevice()) throw fail('is not an existing character device');
      return;
    case 'BlockDevice':
      if (!st?.isBlockDevice()) throw fail('is not an existing block device');
      return;
    default:
      return; // "" (no checks), as in Kubernetes
  }
}

export function createVolumeManager(o: { roots: VolumeRoots; log?: (m: string) => void }): VolumeManager {
  const log = o.log ?? (() => undefined);
  const roots = o.roots;
  /** uid → volume dir → digest of what is written there. */
  const written = new Map<string, Map<string, string>>();


  return {
    roots,
    has: (uid) => written.has(uid),
    async prepare(uid, volumes, mounts = []) {
      const seen = written.get(uid) ?? new Map<string, string>();
      written.set(uid, seen);
      // The pod dirs below are 0755 for the container's user; the roots keep other host users out.
      for (const root of new Set([roots.disk, roots.memory])) await mkdir(root, { recursive: true, mode: 0o700 });
      for (const v of volumes) {
        if (v.type === 'hostPath') {
          await ensureHostPath(v);
          continue;
        }
        await mkdir(dirname(v.dir), { recursive: true, mode: 0o755 });
        if (v.type === 'emptyDir') {
          if (await stat(v.dir).catch(() => undefined)) continue;
          // World-writable like Kubernetes' emptyDir, so a non-root container user can write.
          await mkdir(v.dir, { mode: 0o777 });
          await chmod(v.dir, 0o777);
          continue;
        }
        const d = digest(v);
        if (seen.get(v.dir) === d) continue;
        await writeAtomicDir(v.dir, v.files);
        seen.set(v.dir, d);
      }
      for (const m of mounts) {
        const v = volumes.find((x) => m.source === x.dir || m.source.startsWith(`${x.dir}/`));
        if (!v || v.type === 'files' || m.source === v.dir) continue;
        // A subPath of an emptyDir or hostPath is created as a directory, as the kubelet does.
        if (!(await stat(m.source).catch(() => undefined))) await mkdir(m.source, { recursive: true, mode: 0o755 });
      }
    },
    async remove(uid) {
      written.delete(uid);
      for (const root of new Set([roots.disk, roots.memory])) await rm(podVolumeDir(root, uid), { recursive: true, force: true });
    },
    async prune(keep) {
      for (const root of new Set([roots.disk, roots.memory])) {
        const names = await readdir(root).catch(() => [] as string[]);
        for (const uid of names) {
          if (keep.has(uid)) continue;
          written.delete(uid);
          log(`removing the volumes of pod ${uid}, which is gone`);
          await rm(join(root, uid), { recursive: true, force: true });
        }
      }
    },
  };
}
