import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addonCacheRoot, cacheAddon, sqliteNativeBinding, type SeaAssets } from './native-binding.js';

const dirs: string[] = [];
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'kedge-addon-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const bytes = new TextEncoder().encode('not really an addon');
const hex = createHash('sha256').update(bytes).digest('hex');

describe('addonCacheRoot', () => {
  it('prefers KEDGE_CACHE_DIR, then /var/lib/kedge/cache for root, then the XDG cache', () => {
    expect(addonCacheRoot({ KEDGE_CACHE_DIR: '/x' }, true, '/home/pi')).toBe('/x');
    expect(addonCacheRoot({}, true, '/root')).toBe('/var/lib/kedge/cache');
    expect(addonCacheRoot({}, false, '/home/pi')).toBe('/home/pi/.cache/kedge');
    expect(addonCacheRoot({ XDG_CACHE_HOME: '/c' }, false, '/home/pi')).toBe('/c/kedge');
  });
});

describe('cacheAddon', () => {
  it('writes the addon under its hash with private modes, and reuses it', () => {
    const root = join(temp(), 'cache');
    const path = cacheAddon(root, 'a.node', bytes);
    expect(path).toBe(join(root, hex, 'a.node'));
    expect(readFileSync(path, 'utf8')).toBe('not really an addon');
    expect(statSync(path).mode & 0o777).toBe(0o700);
    expect(statSync(root).mode & 0o777).toBe(0o700);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    const before = statSync(path).mtimeMs;
    expect(cacheAddon(root, 'a.node', bytes)).toBe(path);
    expect(statSync(path).mtimeMs).toBe(before);
    expect(readdirSync(join(path, '..'))).toEqual(['a.node']); // no temp file left
  });

  it('replaces a cached file whose hash no longer matches', () => {
    const root = join(temp(), 'cache');
    const path = cacheAddon(root, 'a.node', bytes);
    writeFileSync(path, 'tampered');
    expect(cacheAddon(root, 'a.node', bytes)).toBe(path);
    expect(readFileSync(path, 'utf8')).toBe('not really an addon');
  });

  it('refuses a cache dir that others can write to', () => {
    const root = join(temp(), 'cache');
    mkdirSync(root);
    chmodSync(root, 0o777);
    expect(() => cacheAddon(root, 'a.node', bytes)).toThrow(/writable by it alone.*KEDGE_CACHE_DIR/);
  });
});

describe('sqliteNativeBinding', () => {
  it('is undefined outside a single executable', () => {
    const sea: SeaAssets = { isSea: () => false, getAsset: () => { throw new Error('not called'); } };
    expect(sqliteNativeBinding({ sea })).toBeUndefined();
  });

  it('loads the addon asset from the cache inside a single executable', () => {
    const root = temp();
    const loaded: string[] = [];
    const sea: SeaAssets = { isSea: () => true, getAsset: (key) => (key === 'better_sqlite3.node' ? bytes.slice().buffer : new ArrayBuffer(0)) };
    const addon = sqliteNativeBinding({ sea, env: { KEDGE_CACHE_DIR: root }, load: (p) => (loaded.push(p), { Database: 'fake' }) });
    expect(addon).toEqual({ Database: 'fake' });
    expect(loaded).toHaveLength(1);
    expect(loaded[0]!.startsWith(root)).toBe(true);
    expect(readFileSync(loaded[0]!, 'utf8')).toBe('not really an addon');
  });
});
