/**
 * better-sqlite3's native addon for the single executable: the addon travels inside the
 * executable as an SEA asset, is written once to a private cache dir, checked by hash before
 * every reuse, and loaded with process.dlopen. From a checkout (no SEA) better-sqlite3 finds
 * its own build and this returns undefined.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KedgeError } from '../../shared/errors.js';
import { writeFileAtomicSync } from '../../shared/atomic-file.js';

/** The asset name the build gives the addon (install/build/sea-config.ts). */
export const sqliteAddonAsset = 'better_sqlite3.node';

export interface SeaAssets {
  isSea(): boolean;
  getAsset(key: string): ArrayBuffer;
}

export interface NativeBindingDeps {
  sea?: SeaAssets;
  env?: NodeJS.ProcessEnv;
  isRoot?: boolean;
  home?: string;
  load?: (path: string) => object;
}

/** KEDGE_CACHE_DIR, else /var/lib/kedge/cache for root, else $XDG_CACHE_HOME/kedge (~/.cache/kedge). */
export function addonCacheRoot(env: NodeJS.ProcessEnv, isRoot: boolean, home: string): string {
  if (env.KEDGE_CACHE_DIR) return env.KEDGE_CACHE_DIR;
  if (isRoot) return '/var/lib/kedge/cache';
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'kedge');
}

/** A directory only we can write to: anything else could swap the code we are about to load. */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = process.getuid?.() ?? st.uid;
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o022) !== 0) {
    throw new KedgeError('Forbidden', `native addon cache ${dir} must be a directory owned by uid ${uid} and writable by it alone (set KEDGE_CACHE_DIR to another place)`);
  }
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function sameHash(path: string, hex: string): boolean {
  try {
    return sha256(readFileSync(path)) === hex;
  } catch {
    return false;
  }
}

/**
 * Writes `bytes` to `<root>/<sha256>/<name>` unless an identical file is already there, and
 * returns its path. Written to a temp name and renamed, so a crash never leaves half an addon.
 */
export function cacheAddon(root: string, name: string, bytes: Uint8Array): string {
  const hex = sha256(bytes);
  const dir = join(root, hex);
  privateDir(root);
  privateDir(dir);
  const path = join(dir, name);
  if (sameHash(path, hex)) return path;
  writeFileAtomicSync(path, bytes, 0o700);
  if (!sameHash(path, hex)) throw new KedgeError('InternalError', `native addon ${path} changed while it was written`);
  return path;
}

function dlopen(path: string): object {
  const mod = { exports: {} };
  process.dlopen(mod, path);
  return mod.exports;
}

/** The addon object to pass as better-sqlite3's `nativeBinding`, or undefined outside the single executable. */
export function sqliteNativeBinding(deps: NativeBindingDeps = {}): object | undefined {
  const sea = deps.sea ?? (process.getBuiltinModule?.('node:sea') as SeaAssets | undefined);
  if (!sea?.isSea()) return undefined;
  const env = deps.env ?? process.env;
  const root = addonCacheRoot(env, deps.isRoot ?? process.getuid?.() === 0, deps.home ?? homedir());
  const path = cacheAddon(root, sqliteAddonAsset, new Uint8Array(sea.getAsset(sqliteAddonAsset)));
  return (deps.load ?? dlopen)(path);
}
