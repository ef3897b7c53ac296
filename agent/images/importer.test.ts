import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KedgeError } from '../../shared/errors.js';
import { createImageImporter, importedStateFile, type ImageImporter } from './importer.js';

/** Records what it was asked to import; "broken" tarballs fail like ctr does on garbage. */
function recordingDriver() {
  const calls: { file: string; size: number }[] = [];
  return {
    calls,
    async importImage(path: string): Promise<string[]> {
      calls.push({ file: basename(path), size: statSync(path).size });
      if (basename(path).startsWith('broken')) throw new KedgeError('Invalid', `cannot import image tarball ${path}: unexpected EOF`);
      return [`docker.io/library/${basename(path).replace(/\..*$/, '')}:latest`];
    },
  };
}

const waitFor = async (what: string, cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

let dir: string;
let importer: ImageImporter | null = null;
beforeEach(() => { dir = join(mkdtempSync(join(tmpdir(), 'kedge-importer-')), 'images'); });
afterEach(() => {
  importer?.stop();
  importer = null;
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

describe('createImageImporter', () => {
  it('creates the directory and imports what is present at start, once', async () => {
    const driver = recordingDriver();
    const logs: string[] = [];
    const got: string[][] = [];
    importer = createImageImporter({ dir, driver, stableMs: 10, log: (m) => logs.push(m), onImported: (n) => got.push(n) });
    await importer.start(); // creates dir
    expect(statSync(dir).mode & 0o777).toBe(0o755);
    importer.stop();

    writeFileSync(join(dir, 'app.tar'), 'a');
    writeFileSync(join(dir, 'web.tar.gz'), 'bb');
    writeFileSync(join(dir, 'db.tgz'), 'ccc');
    writeFileSync(join(dir, 'cache.tar.zst'), 'dddd');
    writeFileSync(join(dir, 'notes.txt'), 'not an image');
    importer = createImageImporter({ dir, driver, stableMs: 10, log: (m) => logs.push(m), onImported: (n) => got.push(n) });
    await importer.start();
    expect(driver.calls.map((c) => c.file).sort()).toEqual(['app.tar', 'cache.tar.zst', 'db.tgz', 'web.tar.gz']);
    expect(got.flat().sort()).toContain('docker.io/library/app:latest');
    const state = JSON.parse(readFileSync(join(dir, importedStateFile), 'utf8')) as Record<string, { size: number }>;
    expect(Object.keys(state).sort()).toEqual(['app.tar', 'cache.tar.zst', 'db.tgz', 'web.tar.gz']);
    expect(state['web.tar.gz'].size).toBe(2);
  });

  it('does not import again after a restart, but does when the file changes', async () => {
    const driver = recordingDriver();
    importer = createImageImporter({ dir, driver, stableMs: 10 });
    await importer.start();
    writeFileSync(join(dir, 'app.tar'), 'v1');
    importer.stop();
    importer = createImageImporter({ dir, driver, stableMs: 10 });
    await importer.start();
    expect(driver.calls).toHaveLength(1);
    importer.stop();

    importer = createImageImporter({ dir, driver, stableMs: 10 });
    await importer.start();
    expect(driver.calls).toHaveLength(1);
    importer.stop();

    writeFileSync(join(dir, 'app.tar'), 'v2-longer');
    importer = createImageImporter({ dir, driver, stableMs: 10 });
    await importer.start();
    expect(driver.calls.map((c) => c.size)).toEqual([2, 9]);
  });

  it('logs a broken tarball by name, skips it and imports the rest', async () => {
    const driver = recordingDriver();
    const logs: string[] = [];
    importer = createImageImporter({ dir, driver, stableMs: 10, pollMs: 30, log: (m) => logs.push(m) });
    await importer.start();
    writeFileSync(join(dir, 'broken.tar'), 'garbage');
    writeFileSync(join(dir, 'good.tar'), 'fine');
    await waitFor('both tried', () => driver.calls.length >= 2);
    await new Promise((r) => setTimeout(r, 200)); // several polls: the broken one is not retried
    expect(driver.calls.filter((c) => c.file === 'broken.tar')).toHaveLength(1);
    expect(logs.some((l) => l.includes('broken.tar') && l.includes('unexpected EOF'))).toBe(true);
    const state = JSON.parse(readFileSync(join(dir, importedStateFile), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(state)).toEqual(['good.tar']);

    // Fixing the file (new size) makes it eligible again.
    writeFileSync(join(dir, 'broken.tar'), 'garbage, but different');
    await waitFor('retry after change', () => driver.calls.filter((c) => c.file === 'broken.tar').length === 2);
  });

  it('waits until a file being copied stops growing', async () => {
    const driver = recordingDriver();
    importer = createImageImporter({ dir, driver, stableMs: 150, pollMs: 50 });
    await importer.start();
    const file = join(dir, 'slow.tar');
    writeFileSync(file, 'x');
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 60));
      appendFileSync(file, 'x'.repeat(100));
    }
    await waitFor('import', () => driver.calls.length > 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(driver.calls).toEqual([{ file: 'slow.tar', size: 501 }]);
  });

  it('forgets files that were removed, so the same file dropped again imports again', async () => {
    const driver = recordingDriver();
    importer = createImageImporter({ dir, driver, stableMs: 10, pollMs: 30 });
    await importer.start();
    const file = join(dir, 'app.tar');
    writeFileSync(file, 'same');
    utimesSync(file, 1000, 1000);
    const state = join(dir, importedStateFile);
    await waitFor('first import', () => driver.calls.length === 1 && existsSync(state) && readFileSync(state, 'utf8').includes('app.tar'));
    rmSync(file);
    await waitFor('forgotten', () => !readFileSync(state, 'utf8').includes('app.tar'));
    writeFileSync(file, 'same');
    utimesSync(file, 1000, 1000);
    await waitFor('second import', () => driver.calls.length === 2);
    // The state is written through a temp file that never stays behind.
    expect(readdirSync(dir).filter((n) => n.startsWith(`${importedStateFile}.`))).toEqual([]);
  });
});
