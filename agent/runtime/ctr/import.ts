/** `ctr images import`, streaming .gz through zlib and .zst through the zstd binary into ctr's stdin. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { KedgeError } from '../../../shared/errors.js';
import { ctrMessage, type CtrRunner } from './ctr-command.js';
import { describeFailure, startProcess } from './run-process.js';
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
  const sub = startProcess(ctr.base.file, args, { timeoutMs, stdin: kind === 'tar' ? 'ignore' : 'pipe' });
  let feedError: Error | null = null;
  if (kind === 'gzip') {
    await pipeline(createReadStream(tarPath), createGunzip(), sub.child.stdin!).catch((err: Error) => { feedError = err; sub.child.kill(); });
  } else if (kind === 'zstd') {
    const z = startProcess(zstdPath, ['-dc', tarPath], { collectStdout: false });
    await pipeline(z.child.stdout!, sub.child.stdin!).catch((err: Error) => { feedError = err; sub.child.kill(); });
    const zr = await z.done;
    if (zr.exitCode !== 0) {
      sub.child.kill();
      await sub.done;
      const why = zr.spawnError?.code === 'ENOENT'
        ? `the ${zstdPath} binary is not installed (install zstd, or ship the image as .tar or .tar.gz)`
        : zr.stderr.trim() || describeFailure(zstdPath, zr);
      throw new KedgeError('Invalid', `cannot decompress image tarball ${tarPath}: ${why}`);
    }
  }
  const r = await sub.done;
  if (r.timedOut) throw new KedgeError('Timeout', `importing ${tarPath} took longer than ${timeoutMs} ms`);
  const failure = feedError as Error | null;
  if (r.exitCode !== 0 || failure) {
    // ctr's own complaint explains more than the EPIPE our feeder then sees.
    const why = (r.exitCode !== 0 ? ctrMessage(r.stderr) : '') || failure?.message || describeFailure(ctr.base.file, r);
    throw new KedgeError('Invalid', `cannot import image tarball ${tarPath}: ${why}`);
  }
  const names = parseImportedNames(r.stdout);
  if (names.length === 0) throw new KedgeError('Invalid', `image tarball ${tarPath} held no named image (ctr said: ${r.stdout.trim() || 'nothing'})`);
  return names;
}
