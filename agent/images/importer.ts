/** Air-gap image import: tarballs dropped into a directory are imported once each. */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuntimeDriver } from '../runtime/driver.js';
import { writeFileAtomic } from '../../shared/atomic-file.js';

export const imageTarball = /\.(tar|tar\.gz|tgz|tar\.zst)$/i;
export const importedStateFile = '.imported.json';

export interface ImageImporterOptions {
  dir: string;
  driver: Pick<RuntimeDriver, 'importImage'>;
  log?: (m: string) => void;
  onImported?: (names: string[]) => void;
  /** Rescan period; fs.watch can miss events (network filesystems, some SD setups). Default 5 s. */
  pollMs?: number;
  /** A file must keep its size and mtime this long before it is imported (it may still be copied). Default 1 s. */
  stableMs?: number;
}

export interface ImageImporter {
  /** Imports everything present, then watches for new files. */
  start(): Promise<void>;
  stop(): void;
}

interface Seen {
  size: number;
  mtimeMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const same = (a: Seen | undefined, b: Seen): boolean => !!a && a.size === b.size && a.mtimeMs === b.mtimeMs;

export function createImageImporter(o: ImageImporterOptions): ImageImporter {
  const log = o.log ?? (() => {});
  const stableMs = o.stableMs ?? 1000;
  const statePath = join(o.dir, importedStateFile);
  let imported: Record<string, Seen> = {};
  /** Failures are remembered only until the file changes or the agent restarts. */
  const failed = new Map<string, Seen>();
  let watcher: FSWatcher | null = null;
  let poll: NodeJS.Timeout | null = null;
  let debounce: NodeJS.Timeout | null = null;
  let stopped = false;
  let scanning: Promise<void> | null = null;
  let rescan = false;

  async function loadState(): Promise<void> {
    let text: string;
    try {
      text = await readFile(statePath, 'utf8');
    } catch {
      return; // first start
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) imported = parsed as Record<string, Seen>;
    } catch {
      log(`images: ${statePath} is not valid JSON; importing every tarball again`);
    }
  }

  async function saveState(): Promise<void> {
    await writeFileAtomic(statePath, JSON.stringify(imported, null, 2) + '\n', 0o644);
  }

  async function seen(path: string): Promise<Seen | null> {
    try {
      const s = await stat(path);
      return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : null;
    } catch {
      return null;
    }
  }

  async function importOne(name: string, at: Seen): Promise<void> {
    const path = join(o.dir, name);
    try {
      const names = await o.driver.importImage(path);
      imported[name] = at;
      failed.delete(name);
      await saveState();
      log(`images: imported ${names.join(', ')} from ${name}`);
      o.onImported?.(names);
    } catch (err) {
      failed.set(name, at);
      log(`images: cannot import ${name}: ${(err as Error).message}; skipped until the file changes`);
    }
  }

  async function scanOnce(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(o.dir)).filter((n) => !n.startsWith('.') && imageTarball.test(n)).sort();
    } catch (err) {
      log(`images: cannot read ${o.dir}: ${(err as Error).message}`);
      return;
    }
    let changed = false;
    for (const gone of Object.keys(imported)) {
      if (!names.includes(gone)) { delete imported[gone]; changed = true; }
    }
    if (changed) await saveState().catch(() => undefined);
    for (const name of names) {
      if (stopped) return;
      const first = await seen(join(o.dir, name));
      if (!first || same(imported[name], first) || same(failed.get(name), first)) continue;
      await sleep(stableMs);
      const second = await seen(join(o.dir, name));
      if (!second) continue;
      if (!same(first, second)) {
        rescan = true; // still being written: look again next round
        continue;
      }
      await importOne(name, second);
    }
  }

  /** Scans run one at a time; a request during a scan makes one more follow it. */
  function scan(): Promise<void> {
    if (scanning) {
      rescan = true;
      return scanning;
    }
    scanning = (async () => {
      do {
        rescan = false;
        await scanOnce();
      } while (rescan && !stopped);
    })().finally(() => { scanning = null; });
    return scanning;
  }

  function requestScan(): void {
    if (stopped || debounce) return; // one scan already pending covers this request
    debounce = setTimeout(() => {
      debounce = null;
      scan().catch((err: Error) => log(`images: scan failed: ${err.message}`));
    }, 100);
  }

  return {
    async start() {
      stopped = false;
      await mkdir(o.dir, { recursive: true, mode: 0o755 });
      await loadState();
      await scan();
      try {
        watcher = watch(o.dir, (_event, file) => {
          if (!file || !String(file).startsWith('.')) requestScan();
        });
        watcher.on('error', (err) => log(`images: watching ${o.dir} failed (${err.message}); polling only`));
      } catch (err) {
        log(`images: cannot watch ${o.dir} (${(err as Error).message}); polling every ${o.pollMs ?? 5000} ms`);
      }
      poll = setInterval(requestScan, o.pollMs ?? 5000);
      poll.unref();
    },
    stop() {
      stopped = true;
      watcher?.close();
      watcher = null;
      if (poll) clearInterval(poll);
      if (debounce) clearTimeout(debounce);
      poll = debounce = null;
    },
  };
}
