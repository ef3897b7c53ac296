import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-file-'));
  dirs.push(dir);
  return dir;
}

describe('writeFileAtomicSync', () => {
  it('writes with the exact mode and leaves no temp file', () => {
    const dir = tempDir();
    const path = join(dir, 'key');
    const oldMask = process.umask(0o022);
    try {
      writeFileAtomicSync(path, 'one', 0o600);
      writeFileAtomicSync(path, Buffer.from('two'), 0o640);
    } finally {
      process.umask(oldMask);
    }
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['key']);
  });

  it('names the file when the directory is missing', () => {
    expect(() => writeFileAtomicSync(join(tmpdir(), 'kedge-no-such-dir', 'x'), 'a', 0o600)).toThrow(/kedge-no-such-dir\/x: cannot write file/);
  });
});

describe('writeFileAtomic', () => {
  it('writes with the exact mode and leaves no temp file', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.json');
    const oldMask = process.umask(0o077);
    try {
      await writeFileAtomic(path, 'one', 0o600);
      await writeFileAtomic(path, new TextEncoder().encode('two'), 0o644);
    } finally {
      process.umask(oldMask);
    }
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('names the file when the directory is missing, and leaves nothing behind when it fails', async () => {
    await expect(writeFileAtomic(join(tmpdir(), 'kedge-no-such-dir', 'x'), 'a')).rejects.toThrow(/kedge-no-such-dir\/x: cannot write file/);
    const dir = tempDir();
    await expect(writeFileAtomic(dir, 'a directory is not a file')).rejects.toThrow(/cannot write file/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
