import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, fchmodSync, openSync, renameSync, rmSync, statSync, chmodSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KedgeError } from '../../shared/errors.js';

/**
 * Writes a file atomically (temp file in the same directory, fsync, rename) with an exact mode,
 * so a crash or power cut on an SD card never leaves a half-written key or token behind.
 */
export function writeFileAtomic(path: string, data: string | Buffer, mode: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', mode);
    fchmodSync(fd, mode); // the umask may have removed bits; set exactly what was asked
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new KedgeError('InternalError', `${path}: cannot write file: ${(e as Error).message}`, { cause: e });
  }
}

/** Removes permission bits beyond `mode` from an existing file or directory, with a warning. */
export function tightenMode(path: string, mode: number, log?: (m: string) => void): void {
  const current = statSync(path).mode & 0o777;
  if ((current & ~mode) === 0) return;
  log?.(`warning: ${path} had mode ${current.toString(8).padStart(4, '0')}; setting ${mode.toString(8).padStart(4, '0')}`);
  chmodSync(path, mode);
}
