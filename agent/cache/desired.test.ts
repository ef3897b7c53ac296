import { describe, it, expect } from 'vitest';
import { mkdtemp, readFile, writeFile, stat, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDesiredCache } from './desired.js';
import type { DesiredState } from '../../shared/messages.js';

function state(revision: number): DesiredState {
  return {
    node: 'edge-1',
    revision,
    pods: [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web', namespace: 'default', uid: 'u1' },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      },
    ],
  };
}

async function dir() {
  return mkdtemp(join(tmpdir(), 'kedge-cache-'));
}

describe('desired-state cache', () => {
  it('round-trips a state with mode 0600 and leaves no temp files', async () => {
    const d = await dir();
    const logs: string[] = [];
    const c = createDesiredCache({ dataDir: d, log: (m) => logs.push(m) });
    expect(await c.load()).toBeNull();
    expect(await c.save(state(3))).toBe(true);
    expect((await stat(c.path)).mode & 0o777).toBe(0o600);
    expect(await createDesiredCache({ dataDir: d }).load()).toEqual(state(3));
    expect((await readdir(d)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(logs).toEqual([]);
  });

  it('writes only when the revision changes', async () => {
    const d = await dir();
    const c = createDesiredCache({ dataDir: d });
    expect(await c.save(state(1))).toBe(true);
    const before = (await stat(c.path)).mtimeMs;
    expect(await c.save(state(1))).toBe(false);
    expect((await stat(c.path)).mtimeMs).toBe(before);
    expect(await c.save(state(2))).toBe(true);
    const again = createDesiredCache({ dataDir: d });
    await again.load();
    expect(await again.save(state(2))).toBe(false);
  });

  it('falls back to the backup when the main file is truncated, and says so', async () => {
    const d = await dir();
    const c = createDesiredCache({ dataDir: d });
    await c.save(state(1));
    await c.save(state(2));
    const full = await readFile(c.path, 'utf8');
    await writeFile(c.path, full.slice(0, full.length / 2));
    const logs: string[] = [];
    const loaded = await createDesiredCache({ dataDir: d, log: (m) => logs.push(m) }).load();
    expect(loaded?.revision).toBe(1);
    expect(logs.join('\n')).toMatch(/desired\.json is corrupt or truncated/);
  });

  it('does not let a corrupt main file overwrite the good backup', async () => {
    const d = await dir();
    const c = createDesiredCache({ dataDir: d });
    await c.save(state(1));
    await c.save(state(2));
    await writeFile(c.path, '{"node":');
    const c2 = createDesiredCache({ dataDir: d, log: () => undefined });
    expect((await c2.load())?.revision).toBe(1);
    await c2.save(state(5));
    const bak = JSON.parse(await readFile(`${c.path}.bak`, 'utf8')) as DesiredState;
    expect(bak.revision).toBe(1);
  });

  it('ignores a file that parses but is not a desired state, naming the field', async () => {
    const d = await dir();
    await writeFile(join(d, 'desired.json'), JSON.stringify({ node: 'edge-1', revision: -1, pods: [] }));
    const logs: string[] = [];
    expect(await createDesiredCache({ dataDir: d, log: (m) => logs.push(m) }).load()).toBeNull();
    expect(logs.join('\n')).toMatch(/revision/);
  });
});
