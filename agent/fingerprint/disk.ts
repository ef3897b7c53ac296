import { statfs } from 'node:fs/promises';

/** Size and free space (bytes, as an unprivileged user may use it) of the filesystem holding dir. */
export async function readDisk(dir: string): Promise<{ total: number; free: number }> {
  try {
    const s = await statfs(dir);
    return { total: s.blocks * s.bsize, free: s.bavail * s.bsize };
  } catch {
    return { total: 0, free: 0 };
  }
}
