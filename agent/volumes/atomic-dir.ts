/**
 * Writes a set of files into a directory so a reader never sees half of an update, the way the
 * kubelet's atomic writer does: the files live in a fresh `..<random>` directory, `..data` is a
 * symlink to it swapped with one rename, and each top-level name is a symlink through `..data`.
 */
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { VolumeFile } from './plan.js';

const dataLink = '..data';

export async function writeAtomicDir(dir: string, files: readonly VolumeFile[], o: { dirMode?: number; random?: () => string } = {}): Promise<void> {
  const random = o.random ?? (() => randomBytes(6).toString('hex'));
  await mkdir(dir, { recursive: true, mode: o.dirMode ?? 0o755 });
  const version = `..${random()}`;
  const staging = join(dir, version);
  await mkdir(staging, { mode: 0o755 });
  for (const f of files) {
    const path = join(staging, f.path);
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    await writeFile(path, f.content, { mode: f.mode });
    await chmod(path, f.mode); // the umask must not change what the pod asked for
  }
  const previous = await readlink(join(dir, dataLink)).catch(() => undefined);
  const tmpLink = join(dir, `..data_tmp_${random()}`);
  await symlink(version, tmpLink);
  await rename(tmpLink, join(dir, dataLink));

  const top = new Set(files.map((f) => f.path.split('/')[0]!));
  for (const name of top) {
    const link = join(dir, name);
    const st = await lstat(link).catch(() => undefined);
    if (st?.isSymbolicLink()) continue; // already points through ..data
    if (st) await rm(link, { recursive: true, force: true });
    await symlink(join(dataLink, name), link);
  }
  for (const name of await readdir(dir)) {
    if (name.startsWith('..') || top.has(name)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
  }
  if (previous && previous !== version) await rm(join(dir, previous), { recursive: true, force: true });
  // Leftovers of an update cut short (agent killed mid-write).
  for (const name of await readdir(dir)) {
    if (name.startsWith('..') && name !== dataLink && name !== version) await rm(join(dir, name), { recursive: true, force: true });
  }
}
