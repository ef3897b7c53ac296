import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFakePlugin } from '../testing/fake-plugin.js';
import { defaultExec } from './invoke.js';
import { createCni, pluginConfig, type NetworkList } from './network-list.js';

const dir = mkdtempSync(join(tmpdir(), 'kedge-cnilist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rt = { containerId: 'c1', netns: '/ns/c1', ifname: 'eth0' };

describe('a network configuration list', () => {
  const first = { cniVersion: '1.0.0', ips: [{ address: '10.42.0.2/24' }] };
  const second = { ...first, dns: { nameservers: ['10.43.0.10'] } };
  const a = writeFakePlugin(dir, 'first', { ADD: { stdout: JSON.stringify(first) } });
  const b = writeFakePlugin(dir, 'second', { ADD: { stdout: JSON.stringify(second) }, DEL: { exitCode: 1, stdout: '{"code":11,"msg":"try again later"}' } });
  const list: NetworkList = { cniVersion: '1.0.0', name: 'kedge', plugins: [{ type: 'first', x: 1 }, { type: 'second' }] };
  const cni = createCni({ exec: defaultExec, pluginDirs: [dir] });

  it('ADDs in order, giving each plugin the previous result as prevResult, and returns the last result', async () => {
    expect(await cni.add(list, rt)).toEqual(second);
    expect(a.calls().map((c) => c.stdin)).toEqual([{ type: 'first', x: 1, cniVersion: '1.0.0', name: 'kedge' }]);
    expect(b.calls().map((c) => c.stdin)).toEqual([{ type: 'second', cniVersion: '1.0.0', name: 'kedge', prevResult: first }]);
  });

  it('DELs in reverse order with the cached result, asking every plugin even after one failed', async () => {
    await expect(cni.del(list, rt, second)).rejects.toThrow('CNI DEL of second failed: try again later [CNI error 11]');
    const dels = [...a.calls(), ...b.calls()].filter((c) => c.command === 'DEL');
    expect(dels.map((c) => (c.stdin as { type: string }).type).sort()).toEqual(['first', 'second']);
    expect(dels.every((c) => JSON.stringify((c.stdin as { prevResult: unknown }).prevResult) === JSON.stringify(second))).toBe(true);
  });

  it('names the package and the directories when a plugin is missing', async () => {
    await expect(cni.add({ ...list, plugins: [{ type: 'portmap' }] }, rt)).rejects.toThrow(`CNI plugin portmap not found in ${dir}: install the containernetworking-plugins package`);
  });

  it('builds each plugin configuration from the list', () => {
    expect(pluginConfig(list, { type: 'p', name: 'ignored' })).toEqual({ type: 'p', name: 'kedge', cniVersion: '1.0.0' });
  });
});
