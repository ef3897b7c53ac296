/** `ctr images import`, streaming .gz through zlib and .zst through the zstd binary into ctr's stdin. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { execa } from 'execa';
import { KedgeError } from '../../../shared/errors.js';
import { ctrMessage, type CtrRunner } from './ctr-command.js';
import { parseImportedNames } from './table.js';

export type TarballKind = 'tar' | 'gzip' | 'zstd';

export function tarballKind(path: string): TarballKind | null {
  if (/\.(tar\.gz|tgz)$/i.test(path)) return 'gzip';
  if (/\.tar\.zst$/i.test(path)) return 'zstd';
  if (/\.tar$/i.test(path)) return 'tar';
  return null;
}

export async function importTarball(ctr: CtrRunner, tarPath: string, zstdPath: string, timeoutMs: number): Promise<string[]> {
  const kind = tarballKind(tarPath);
  if (!kind) throw new KedgeError('Invalid', `image tarball ${tarPath} must end in .tar, .tar.gz, .tgz or .tar.zst`);
  try {
    if (!(await stat(tarPath)).isFile()) throw new Error('not a regular file');
  } catch (err) {
    throw new KedgeError('NotFound', `image tarball ${tarPath} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  const args = [...ctr.base.args, 'images', 'import', kind === 'tar' ? tarPath : '-'];
  const sub = execa(ctr.base.file, args, { reject: false, timeout: timeoutMs, stdin: kind === 'tar' ? 'ignore' : 'pipe' });
  let feedError: Error | null = null;
  if (kind === 'gzip') {
    await pipeline(createReadStream(tarPath), createGunzip(), sub.stdin!).catch((err: Error) => { feedError = err; sub.kill(); });
  } else if (kind === 'zstd') {
    const z = execa(zstdPath, ['-dc', tarPath], { reject: false, stdout: 'pipe', stdin: 'ignore', buffer: { stdout: false } });
    await pipeline(z.stdout!, sub.stdin!).catch((err: Error) => { feedError = err; sub.kill(); });
    const zr = await z;
    if (zr.failed) {
      sub.kill();
      await sub;
      const why = (zr.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
        ? `the ${zstdPath} binary is not installed (install zstd, or ship the image as .tar or .tar.gz)`
        : String(zr.stderr).trim() || zr.shortMessage;
      throw new KedgeError('Invalid', `cannot decompress image tarball ${tarPath}: ${why}`);
    }
  }
  const r = await sub;
  if (r.timedOut) throw new KedgeError('Timeout', `importing ${tarPath} took longer than ${timeoutMs} ms`);
  const failure = feedError as Error | null;
  if (r.exitCode !== 0 || failure) {
    // ctr's own complaint explains more than the EPIPE our feeder then sees.
    const why = (r.exitCode !== 0 ? ctrMessage(String(r.stderr)) : '') || failure?.message || r.shortMessage;
    throw new KedgeError('Invalid', `cannot import image tarball ${tarPath}: ${why}`);
  }
  const names = parseImportedNames(String(r.stdout));
  if (names.length === 0) throw new KedgeError('Invalid', `image tarball ${tarPath} held no named image (ctr said: ${String(r.stdout).trim() || 'nothing'})`);
  return names;
}
