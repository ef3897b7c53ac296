import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadJournal, saveJournal, type JournalEntry } from './journal.js';

const dir = mkdtempSync(join(tmpdir(), 'kedge-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry: JournalEntry = {
  uid: 'u1',
  id: 'u1',
  namespace: 'default',
  name: 'web',
  netns: '/run/kedge/n1/network/netns/u1',
  state: 'attached',
  ip: '10.42.0.2',
  network: { cniVersion: '1.0.0', name: 'kedge', plugins: [{ type: 'bridge', bridge: 'kedge0' }] },
  result: { cniVersion: '1.0.0', ips: [{ address: '10.42.0.2/24' }] },
};

describe('the pod network journal', () => {
  it('saves (0600, in a directory it makes) and loads entries, plugin fields included', async () => {
    const path = join(dir, 'state', 'pods.json');
    await saveJournal(path, new Map([['u1', entry]]));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await loadJournal(path, () => undefined)).toEqual(new Map([['u1', entry]]));
  });

  it('starts empty without a file', async () => {
    expect((await loadJournal(join(dir, 'none.json'), () => undefined)).size).toBe(0);
  });

  it('sets an unreadable file aside and says so', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"version":1,"pods":[{"uid":');
    const logs: string[] = [];
    expect((await loadJournal(path, (m) => logs.push(m))).size).toBe(0);
    expect(logs[0]).toMatch(/bad\.json is unreadable .*moved to .*bad\.json\.corrupt/);
    expect(existsSync(path)).toBe(false);
    expect(readFileSync(`${path}.corrupt`, 'utf8')).toContain('"uid"');
  });
});
