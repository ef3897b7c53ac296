import { appendFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KedgeError } from '../../shared/errors.js';
import { createLogKeeper } from './keeper.js';
import { logPathFor, podLogDir } from './layout.js';

let root: string;
beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'kedge-logs-')); });
afterEach(() => { rmSync(root, { recursive: true, force: true }); });

const ref = { namespace: 'default', pod: 'web-1', uid: '6f1c-aa', container: 'app', restartCount: 0 };

function put(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

describe('logPathFor', () => {
  it('follows the kubelet layout', () => {
    expect(logPathFor('/logs', { ...ref, restartCount: 3 })).toBe('/logs/default_web-1_6f1c-aa/app/3.log');
    expect(podLogDir('/logs', ref)).toBe('/logs/default_web-1_6f1c-aa');
  });

  it('refuses names that would leave the root, naming the field', () => {
    expect(() => logPathFor('/logs', { ...ref, pod: '../etc' })).toThrow(/pod/);
    expect(() => logPathFor('/logs', { ...ref, container: 'a/b' })).toThrow(KedgeError);
    expect(() => logPathFor('/logs', { ...ref, restartCount: -1 })).toThrow(/restartCount/);
  });
});

describe('createLogKeeper', () => {
  it('copy-truncates a file over maxBytes and keeps keepFiles copies', async () => {
    const file = logPathFor(root, ref);
    put(file, 'a'.repeat(150));
    const keeper = createLogKeeper({ root, maxBytes: 100, keepFiles: 2 });
    await keeper.tick();
    expect(statSync(file).size).toBe(0);
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('a'.repeat(150));

    appendFileSync(file, 'b'.repeat(120));
    await keeper.tick();
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('b'.repeat(120));
    expect(readFileSync(`${file}.2`, 'utf8')).toBe('a'.repeat(150));

    appendFileSync(file, 'c'.repeat(101));
    await keeper.tick();
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('c'.repeat(101));
    expect(readFileSync(`${file}.2`, 'utf8')).toBe('b'.repeat(120));
    expect(existsSync(`${file}.3`)).toBe(false);
  });

  it('leaves files at or under maxBytes alone', async () => {
    const file = logPathFor(root, ref);
    put(file, 'x'.repeat(100));
    await createLogKeeper({ root, maxBytes: 100 }).tick();
    expect(statSync(file).size).toBe(100);
    expect(existsSync(`${file}.1`)).toBe(false);
  });

  it('a writer holding the file with O_APPEND continues at the start after truncation', async () => {
    const file = logPathFor(root, ref);
    put(file, '');
    const fd = openSync(file, 'a');
    writeSync(fd, 'y'.repeat(200));
    await createLogKeeper({ root, maxBytes: 100 }).tick();
    writeSync(fd, 'after\n');
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe('after\n');
  });

  it('keeps only the current and previous restart per container', async () => {
    for (const n of [0, 1, 2, 3]) put(logPathFor(root, { ...ref, restartCount: n }), `run ${n}\n`);
    put(`${logPathFor(root, { ...ref, restartCount: 1 })}.1`, 'old rotated');
    put(logPathFor(root, { ...ref, container: 'sidecar', restartCount: 0 }), 'only one\n');
    await createLogKeeper({ root }).tick();
    expect(readdirSync(dirname(logPathFor(root, ref))).sort()).toEqual(['2.log', '3.log']);
    expect(readdirSync(join(podLogDir(root, ref), 'sidecar'))).toEqual(['0.log']);
  });

  it('drops rotated copies beyond keepFiles', async () => {
    const file = logPathFor(root, ref);
    put(file, 'now');
    put(`${file}.1`, 'one');
    put(`${file}.2`, 'two');
    await createLogKeeper({ root, keepFiles: 1 }).tick();
    expect(readdirSync(dirname(file)).sort()).toEqual(['0.log', '0.log.1']);
  });

  it('removes a pod directory the agent says is gone, and only that one', async () => {
    const gone = logPathFor(root, ref);
    const kept = logPathFor(root, { ...ref, pod: 'web-2', uid: 'bb' });
    put(gone, 'x');
    put(kept, 'y');
    const keeper = createLogKeeper({ root });
    await keeper.removePod('default', 'web-1', '6f1c-aa');
    expect(existsSync(podLogDir(root, ref))).toBe(false);
    expect(readFileSync(kept, 'utf8')).toBe('y');
    await keeper.removePod('default', 'web-1', '6f1c-aa'); // idempotent
    await expect(keeper.removePod('default', '..', 'x')).rejects.toThrow(/pod/);
  });

  it('caps extra files such as containerd.log, and copes with a missing root', async () => {
    const extra = join(root, 'containerd.log');
    writeFileSync(extra, 'z'.repeat(300));
    await createLogKeeper({ root: join(root, 'missing'), maxBytes: 100, extraFiles: [extra] }).tick();
    expect(statSync(extra).size).toBe(0);
    expect(statSync(`${extra}.1`).size).toBe(300);
  });

  it('runs on its timer', async () => {
    const file = logPathFor(root, ref);
    put(file, 'q'.repeat(500));
    const keeper = createLogKeeper({ root, maxBytes: 100, intervalMs: 20 });
    keeper.start();
    try {
      const deadline = Date.now() + 3000;
      while (statSync(file).size !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(statSync(file).size).toBe(0);
    } finally {
      keeper.stop();
    }
  });
});
