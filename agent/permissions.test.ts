import { chmod, mkdir, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentPrivatePaths, checkPermissions } from './permissions.js';

describe('agent file permissions at start', () => {
  it('warns about a readable data dir, node password, credentials and cache, and tightens them', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'kedge-perm-')), 'agent');
    await mkdir(dir);
    await chmod(dir, 0o755);
    for (const f of ['node-password', 'credentials.json', 'desired.json']) {
      await writeFile(join(dir, f), '{}');
      await chmod(join(dir, f), 0o644);
    }
    await writeFile(join(dir, 'desired.json.bak'), '{}', { mode: 0o600 });
    const logs: string[] = [];
    const warnings = await checkPermissions(agentPrivatePaths(dir), (m) => logs.push(m));
    expect(warnings.map((w) => w.split(' has mode')[0])).toEqual([
      `warning: ${dir}`,
      `warning: ${join(dir, 'node-password')}`,
      `warning: ${join(dir, 'credentials.json')}`,
      `warning: ${join(dir, 'desired.json')}`,
    ]);
    expect(warnings[1]).toMatch(/has mode 0644, looser than 0600 \(other users could read it\); setting 0600$/);
    expect(logs).toEqual(warnings);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'credentials.json'))).mode & 0o777).toBe(0o600);
    expect(await checkPermissions(agentPrivatePaths(dir), () => undefined)).toEqual([]);
  });

  it('says nothing before the first start', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'kedge-perm-')), 'none');
    expect(await checkPermissions(agentPrivatePaths(dir), () => undefined)).toEqual([]);
  });
});
