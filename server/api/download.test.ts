import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDistribution, linuxArch } from './distribution.js';
import { adminToken, joinToken, testApi } from './testing/fixtures.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kedge-download-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A checkout with an install script and a built amd64 binary, and a data dir with an arm64 one. */
function layout() {
  const checkout = join(dir, 'checkout');
  mkdirSync(join(checkout, 'install'), { recursive: true });
  mkdirSync(join(checkout, 'dist'));
  writeFileSync(join(checkout, 'install', 'install.sh'), '#!/bin/sh\necho install\n');
  writeFileSync(join(checkout, 'dist', 'kedge-linux-amd64'), 'amd64 binary');
  const dataDir = join(dir, 'data');
  mkdirSync(join(dataDir, 'dist'), { recursive: true });
  writeFileSync(join(dataDir, 'dist', 'kedge-linux-arm64'), 'arm64 binary');
  const noSea = { isSea: () => false, getAsset: () => '' };
  return createDistribution({ dataDir, checkoutDir: checkout, arch: 'amd64', sea: noSea });
}

const get = (app: ReturnType<typeof testApi>['app'], path: string, token?: string) =>
  app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('linuxArch', () => {
  it('names architectures as the download URLs do', () => {
    expect([linuxArch('x64'), linuxArch('arm64'), linuxArch('arm'), linuxArch('riscv64')]).toEqual(['amd64', 'arm64', 'arm', 'riscv64']);
  });
});

describe('GET /install.sh', () => {
  it('serves the script without a token', async () => {
    const { app } = testApi({ distribution: layout() });
    const res = await get(app, '/install.sh');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/shellscript/);
    expect(await res.text()).toBe('#!/bin/sh\necho install\n');
  });

  it('serves the script the single executable carries', async () => {
    const sea = { isSea: () => true, getAsset: (key: string) => (key === 'install.sh' ? '#!/bin/sh\n# from the asset\n' : '') };
    const { app } = testApi({ distribution: createDistribution({ dataDir: dir, sea }) });
    expect(await (await get(app, '/install.sh')).text()).toBe('#!/bin/sh\n# from the asset\n');
  });
});

describe('GET /kedge/v1/download/', () => {
  it('serves its own arch from the checkout and others from <data-dir>/dist, with the join or admin token', async () => {
    const { app } = testApi({ distribution: layout() });
    const own = await get(app, '/kedge/v1/download/kedge-linux-amd64', joinToken);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-length')).toBe(String('amd64 binary'.length));
    expect(await own.text()).toBe('amd64 binary');
    const other = await get(app, '/kedge/v1/download/kedge-linux-arm64', adminToken);
    expect(await other.text()).toBe('arm64 binary');
    const sum = await get(app, '/kedge/v1/download/kedge-linux-arm64.sha256', joinToken);
    expect(await sum.text()).toBe(`${sha('arm64 binary')}  kedge-linux-arm64\n`);
  });

  it('serves the running executable for its own arch inside the single executable', async () => {
    const exe = join(dir, 'kedge');
    writeFileSync(exe, 'the running executable');
    const sea = { isSea: () => true, getAsset: () => '' };
    const { app } = testApi({ distribution: createDistribution({ dataDir: dir, sea, execPath: exe, arch: 'arm' }) });
    expect(await (await get(app, '/kedge/v1/download/kedge-linux-arm', joinToken)).text()).toBe('the running executable');
    expect(await (await get(app, '/kedge/v1/download/kedge-linux-arm.sha256', joinToken)).text()).toBe(`${sha('the running executable')}  kedge-linux-arm\n`);
  });

  it('refuses a missing or wrong token', async () => {
    const { app } = testApi({ distribution: layout() });
    for (const token of [undefined, 'K10' + 'b'.repeat(64) + '::node:wrong-secret-012345']) {
      const res = await get(app, '/kedge/v1/download/kedge-linux-amd64', token);
      expect(res.status).toBe(401);
      expect((await res.json()).message).toMatch(/join token/);
    }
  });

  it('answers 404 naming the arch it has no binary for, and the folder to put it in', async () => {
    const { app } = testApi({ distribution: layout() });
    const res = await get(app, '/kedge/v1/download/kedge-linux-riscv64', joinToken);
    expect(res.status).toBe(404);
    const status = await res.json();
    expect(status.kind).toBe('Status');
    expect(status.message).toContain('linux/riscv64');
    expect(status.message).toContain(join(dir, 'data', 'dist'));
  });

  it('serves nothing but kedge binaries and their checksums', async () => {
    const { app } = testApi({ distribution: layout() });
    for (const name of ['kedge-linux-..%2F..%2Fetc%2Fpasswd', 'token', 'kedge-linux-amd64.sig', 'kedge-linux-AMD64']) {
      expect((await get(app, `/kedge/v1/download/${name}`, joinToken)).status).toBe(404);
    }
  });

  it('re-hashes a binary that changed', async () => {
    const distribution = layout();
    const { app } = testApi({ distribution });
    const path = join(dir, 'data', 'dist', 'kedge-linux-arm64');
    expect(await (await get(app, '/kedge/v1/download/kedge-linux-arm64.sha256', joinToken)).text()).toContain(sha('arm64 binary'));
    writeFileSync(path, 'arm64 binary, newer build');
    expect(await (await get(app, '/kedge/v1/download/kedge-linux-arm64.sha256', joinToken)).text()).toContain(sha('arm64 binary, newer build'));
  });
});
