import { lstat, mkdtemp, readFile, readdir, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeAtomicDir } from './atomic-dir.js';
import { chooseMemoryRoot, createVolumeManager } from './manager.js';
import type { PlannedVolume } from './plan.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'kedge-vol-'));
  dirs.push(d);
  return d;
}
const file = (path: string, text: string, mode = 0o644) => ({ path, mode, content: Buffer.from(text) });

describe('writeAtomicDir', () => {
  it('writes files behind a ..data link, swaps it on update and drops stale names', async () => {
    const dir = join(await tmp(), 'vol');
    await writeAtomicDir(dir, [file('a', '1'), file('sub/b', '2', 0o600)]);
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('1');
    expect(await readFile(join(dir, 'sub', 'b'), 'utf8')).toBe('2');
    expect((await stat(join(dir, 'sub', 'b'))).mode & 0o777).toBe(0o600);
    expect((await lstat(join(dir, 'a'))).isSymbolicLink()).toBe(true);
    const first = await readlink(join(dir, '..data'));
    await writeAtomicDir(dir, [file('a', 'changed'), file('c', '3')]);
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('changed');
    expect(await readlink(join(dir, '..data'))).not.toBe(first);
    expect((await readdir(dir)).sort()).toEqual(['..data', await readlink(join(dir, '..data')), 'a', 'c'].sort());
  });
});

describe('volume manager', () => {
  it('prepares files, emptyDir (world-writable) and subPath dirs; rewrites only on change; removes and prunes', async () => {
    const root = await tmp();
    const roots = { disk: join(root, 'disk'), memory: join(root, 'mem') };
    const m = createVolumeManager({ roots });
    const cfgDir = join(roots.memory, 'uid-1', 'cfg');
    const volumes: PlannedVolume[] = [
      { name: 'cfg', type: 'files', dir: cfgDir, files: [file('k', 'v1')] },
      { name: 'data', type: 'emptyDir', dir: join(roots.disk, 'uid-1', 'data') },
      { name: 'host', type: 'hostPath', dir: join(root, 'host', 'made'), hostType: 'DirectoryOrCreate' },
    ];
    await m.prepare('uid-1', volumes, [{ source: join(roots.disk, 'uid-1', 'data', 'sub'), destination: '/x', readOnly: false }]);
    expect(m.has('uid-1')).toBe(true);
    expect(await readFile(join(cfgDir, 'k'), 'utf8')).toBe('v1');
    expect((await stat(join(roots.disk, 'uid-1', 'data'))).mode & 0o777).toBe(0o777);
    expect((await stat(join(roots.disk, 'uid-1', 'data', 'sub'))).isDirectory()).toBe(true);
    expect((await stat(join(root, 'host', 'made'))).isDirectory()).toBe(true);
    expect((await stat(roots.memory)).mode & 0o777).toBe(0o700);

    const link = await readlink(join(cfgDir, '..data'));
    await m.prepare('uid-1', volumes);
    expect(await readlink(join(cfgDir, '..data'))).toBe(link); // unchanged content: no write
    await m.prepare('uid-1', [{ ...volumes[0]!, files: [file('k', 'v2')] } as PlannedVolume]);
    expect(await readFile(join(cfgDir, 'k'), 'utf8')).toBe('v2');

    await expect(m.prepare('uid-1', [{ name: 'h', type: 'hostPath', dir: join(root, 'missing'), hostType: 'Directory' }])).rejects.toThrow(/hostPath volume "h": .*missing is not an existing directory/);

    await m.prepare('uid-2', [{ name: 'data', type: 'emptyDir', dir: join(roots.disk, 'uid-2', 'data') }]);
    await m.prune(new Set(['uid-2']));
    expect(await readdir(roots.memory)).toEqual([]);
    expect(await readdir(roots.disk)).toEqual(['uid-2']);
    await m.remove('uid-2');
    expect(await readdir(roots.disk)).toEqual([]);
    expect(m.has('uid-2')).toBe(false);
    expect((await stat(join(root, 'host', 'made'))).isDirectory()).toBe(true); // the host's, kept
  });

  it('uses a tmpfs under /run only when it is one', async () => {
    const dataDir = await tmp();
    expect(await chooseMemoryRoot({ dataDir, nodeName: 'n', runDir: dataDir })).toBe(join(dataDir, 'pods'));
    expect(await chooseMemoryRoot({ dataDir, nodeName: 'n', runDir: '/dev/shm' })).toBe('/dev/shm/kedge/n/pods');
  });
});
