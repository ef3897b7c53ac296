/** ensureContainerd against the real containerd binary: own child, supervision, leftovers, bad addresses. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { containerdPaths, renderContainerdConfig } from '../../agent/containerd/config.js';
import { ensureContainerd, type ContainerdHandle } from '../../agent/containerd/ensure.js';
import { socketAnswers } from '../../agent/containerd/probe.js';
import { containerdSkipReason } from '../fixtures/containerd.js';

const skip = containerdSkipReason();
const dirs: string[] = [];
const handles: ContainerdHandle[] = [];

function tmp(): string {
  const d = mkdtempSync('/tmp/kcd-'); // short: the socket path must fit in 108 bytes
  dirs.push(d);
  return d;
}

async function until(what: string, cond: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pidOf = (dataDir: string): number => Number(readFileSync(join(dataDir, 'containerd', 'containerd.pid'), 'utf8'));
const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };

describe.skipIf(skip !== null)(`ensureContainerd with real containerd${skip ? ` (skipped: ${skip})` : ''}`, () => {
  afterAll(async () => {
    for (const h of handles) await h.stop().catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('starts its own child, restarts it when it dies, and stops it', async () => {
    const dataDir = tmp();
    const logs: string[] = [];
    const h = await ensureContainerd({ dataDir, systemSocket: null, log: (m) => logs.push(m) });
    handles.push(h);
    expect(h.address).toBe(join(dataDir, 'containerd', 'containerd.sock'));
    expect(h.version).toMatch(/^\d+\.\d+/);
    expect(readFileSync(join(dataDir, 'containerd', 'config.toml'), 'utf8')).toContain('io.containerd.grpc.v1.cri');
    const plugins = spawnSync('ctr', ['-a', h.address, 'plugins', 'ls'], { encoding: 'utf8' }).stdout;
    expect(plugins).not.toMatch(/\bcri\b/);
    expect(plugins).toMatch(/overlayfs\s+\S+\s+ok/);
    expect(plugins.split('\n').filter((l) => /\s(error)\s*$/.test(l))).toEqual([]);

    const first = pidOf(dataDir);
    process.kill(first, 'SIGKILL');
    await until('a new containerd pid', () => existsSync(join(dataDir, 'containerd', 'containerd.pid')) && pidOf(dataDir) !== first && alive(pidOf(dataDir)));
    await until('socket answers again', () => socketAnswers(h.address));
    expect(logs.some((l) => l.includes('exited unexpectedly'))).toBe(true);
    expect(readFileSync(join(dataDir, 'containerd', 'containerd.log'), 'utf8')).toContain('containerd successfully booted');

    const second = pidOf(dataDir);
    await h.stop();
    expect(alive(second)).toBe(false);
    expect(await socketAnswers(h.address)).toBe(false);
  });

  it('replaces a containerd left over from an earlier agent run', async () => {
    const dataDir = tmp();
    const p = containerdPaths(dataDir);
    mkdirSync(p.dir, { recursive: true });
    writeFileSync(p.config, renderContainerdConfig(p));
    const leftover = spawn('containerd', ['--config', p.config], { stdio: 'ignore', detached: true });
    writeFileSync(join(p.dir, 'containerd.pid'), `${leftover.pid}\n`);
    await until('leftover answers', () => socketAnswers(p.address));

    const h = await ensureContainerd({ dataDir, systemSocket: null });
    handles.push(h);
    expect(alive(leftover.pid!)).toBe(false);
    expect(pidOf(dataDir)).not.toBe(leftover.pid);
    await h.stop();
  });

  it('uses a given address as is and names --containerd-address when it does not answer', async () => {
    const dataDir = tmp();
    const own = await ensureContainerd({ dataDir, systemSocket: null });
    handles.push(own);
    const given = await ensureContainerd({ dataDir: tmp(), address: own.address });
    expect(given.address).toBe(own.address);
    await given.stop(); // not ours: a no-op
    expect(await socketAnswers(own.address)).toBe(true);
    await own.stop();

    await expect(ensureContainerd({ dataDir: tmp(), address: join(dataDir, 'nothing.sock') })).rejects.toThrow(/--containerd-address/);
  });

  it('fails clearly when the data dir is too long for the socket', async () => {
    await expect(ensureContainerd({ dataDir: `/tmp/${'x'.repeat(100)}`, systemSocket: null })).rejects.toThrow(/too long/);
  });
});
