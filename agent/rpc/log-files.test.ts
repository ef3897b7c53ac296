import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isKedgeError } from '../../shared/errors.js';
import { containerLogDir, findLogRun, tailStart } from './log-files.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'kedge-logfiles-'));
  dirs.push(d);
  return d;
}

const target = { namespace: 'default', pod: 'web-1', uid: 'u-1', container: 'web' };

async function tailOf(text: string, lines: number, block?: number): Promise<string> {
  const f = join(temp(), 'f.log');
  writeFileSync(f, text);
  const size = Buffer.byteLength(text);
  const { offset } = await tailStart(f, size, lines, block);
  return Buffer.from(text).subarray(offset).toString();
}

/** The reference: the last n lines, a final newline ending the last line rather than starting one. */
function reference(text: string, n: number): string {
  if (n <= 0 || text === '') return '';
  const parts = text.split('\n');
  if (parts.at(-1) === '') parts.pop();
  const keep = parts.slice(-n).join('\n');
  return text.endsWith('\n') ? `${keep}\n` : keep;
}

describe('tailStart', () => {
  it('finds the last N lines, with or without a final newline', async () => {
    expect(await tailOf('a\nb\nc\n', 2)).toBe('b\nc\n');
    expect(await tailOf('a\nb\nc', 1)).toBe('c');
    expect(await tailOf('a\nb\nc\n', 10)).toBe('a\nb\nc\n');
    expect(await tailOf('a\nb\n', 0)).toBe('');
    expect(await tailOf('\n\n', 1)).toBe('\n');
  });

  it('matches the reference for any text and block size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('a', 'bb', '\n', 'é'), { maxLength: 40 }).map((p) => p.join('')), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 7 }), async (text, n, block) => {
        expect(await tailOf(text, n, block)).toBe(reference(text, n));
      }),
      { numRuns: 60 },
    );
  });
});

describe('findLogRun', () => {
  function layout(runs: number[]): string {
    const root = temp();
    const dir = containerLogDir(root, target);
    mkdirSync(dir, { recursive: true });
    for (const r of runs) writeFileSync(join(dir, `${r}.log`), `run ${r}\n`);
    writeFileSync(join(dir, '1.log.1'), 'rotated\n');
    return root;
  }

  it('picks the server\'s restart count when its file exists, else the newest run', async () => {
    const root = layout([0, 1, 2]);
    expect((await findLogRun(root, target, { restartCount: 1, nodeName: 'n' })).run).toBe(1);
    expect((await findLogRun(root, target, { restartCount: 7, nodeName: 'n' })).run).toBe(2);
    expect((await findLogRun(root, target, { nodeName: 'n' })).run).toBe(2);
  });

  it('--previous is the run before the current one; none is kubectl\'s error', async () => {
    const root = layout([0, 2]);
    expect((await findLogRun(root, target, { previous: true, nodeName: 'n' })).run).toBe(0);
    const single = layout([0]);
    await expect(findLogRun(single, target, { previous: true, nodeName: 'n' })).rejects.toThrow('previous terminated container "web" in pod "web-1" not found');
  });

  it('a container without logs is NotFound, naming the node', async () => {
    await expect(findLogRun(temp(), target, { nodeName: 'edge-3' })).rejects.toSatisfy((e) => isKedgeError(e, 'NotFound') && /node edge-3/.test((e as Error).message));
  });
});
