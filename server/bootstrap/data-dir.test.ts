import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareDataDir } from './data-dir.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kedge-datadir-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const mode = (p: string) => statSync(p).mode & 0o777;

describe('prepareDataDir', () => {
  it('creates nested directories with mode 0700', () => {
    const dir = join(tempDir(), 'a', 'b', 'server');
    prepareDataDir(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(mode(dir)).toBe(0o700);
  });

  it('tightens an existing looser directory with a warning', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const logs: string[] = [];
    prepareDataDir(dir, (m) => logs.push(m));
    expect(mode(dir)).toBe(0o700);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/had mode 0755; setting 0700/);
    prepareDataDir(dir, (m) => logs.push(m));
    expect(logs).toHaveLength(1);
  });

  it('names the path when it is a file', () => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, 'x');
    expect(() => prepareDataDir(file)).toThrow(/--data-dir .*f: /);
  });
});
