import { chmodSync, statSync } from 'node:fs';

/** Removes permission bits beyond `mode` from an existing file or directory, with a warning. */
export function tightenMode(path: string, mode: number, log?: (m: string) => void): void {
  const current = statSync(path).mode & 0o777;
  if ((current & ~mode) === 0) return;
  log?.(`warning: ${path} had mode ${current.toString(8).padStart(4, '0')}; setting ${mode.toString(8).padStart(4, '0')}`);
  chmodSync(path, mode);
}
