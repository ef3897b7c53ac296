import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLease, readLeases } from './leases.js';

const dir = mkdtempSync(join(tmpdir(), 'kedge-leases-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('host-local leases', () => {
  it('parses the current and the older file format', () => {
    expect(parseLease('kedge', '10.42.0.2', 'abc\r\neth0')).toEqual({ network: 'kedge', ip: '10.42.0.2', containerId: 'abc', ifname: 'eth0' });
    expect(parseLease('kedge', '10.42.0.3', 'abc')).toEqual({ network: 'kedge', ip: '10.42.0.3', containerId: 'abc' });
    expect(parseLease('kedge', '10.42.0.4', '')).toBeUndefined();
  });

  it('reads every address file of every network, skipping the lock and the last reserved address', async () => {
    mkdirSync(join(dir, 'kedge'));
    writeFileSync(join(dir, 'kedge', '10.42.0.2'), 'p1\r\neth0');
    writeFileSync(join(dir, 'kedge', 'last_reserved_ip.0'), '10.42.0.2');
    writeFileSync(join(dir, 'kedge', 'lock'), '');
    mkdirSync(join(dir, 'old'));
    writeFileSync(join(dir, 'old', '10.42.9.5'), 'p2');
    writeFileSync(join(dir, 'stray-file'), 'x');
    const leases = await readLeases(dir);
    expect(leases.sort((a, b) => a.ip.localeCompare(b.ip))).toEqual([
      { network: 'kedge', ip: '10.42.0.2', containerId: 'p1', ifname: 'eth0' },
      { network: 'old', ip: '10.42.9.5', containerId: 'p2' },
    ]);
    expect(await readLeases(join(dir, 'missing'))).toEqual([]);
  });
});
