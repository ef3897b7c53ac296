import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './private-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes with the exact mode and leaves no temp file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kedge-file-'));
    dirs.push(dir);
    const path = join(dir, 'key');
    const oldMask = process.umask(0o022);
    try {
      writeFileAtomic(path, 'one', 0o600);
      writeFileAtomic(path, Buffer.from('two'), 0o640);
    } finally {
      process.umask(oldMask);
    }
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['key']);
  });

  it('names the file when the directory is missing', () => {
    expect(() => writeFileAtomic(join(tmpdir(), 'kedge-no-such-dir', 'x'), 'a', 0o600)).toThrow(/kedge-no-such-dir\/x: cannot write file/);
  });
});
