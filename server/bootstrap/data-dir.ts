import { mkdirSync, statSync } from 'node:fs';
import { KedgeError } from '../../shared/errors.js';
import { tightenMode } from './private-file.js';

/** Creates the server data dir (mode 0700: it holds the CA key and tokens), or tightens an existing one. */
export function prepareDataDir(dir: string, log?: (m: string) => void): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new KedgeError('InternalError', `--data-dir ${dir}: cannot create directory: ${(e as Error).message}`, { cause: e });
  }
  if (!statSync(dir).isDirectory()) {
    throw new KedgeError('BadRequest', `--data-dir ${dir}: exists and is not a directory`);
  }
  tightenMode(dir, 0o700, log);
}
