import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFakePlugin } from '../testing/fake-plugin.js';
import { callPlugin, cniFailure, defaultExec, pluginEnv, pluginOutcome } from './invoke.js';

const dir = mkdtempSync(join(tmpdir(), 'kedge-cni-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rt = { containerId: 'pod-1', netns: '/run/kedge/n1/network/netns/pod-1', ifname: 'eth0' };

describe('callPlugin (a fake plugin executable)', () => {
  it('passes the parameters in CNI_* variables and the configuration on stdin, and parses the result', async () => {
    const result = { cniVersion: '1.0.0', ips: [{ address: '10.42.0.5/24' }] };
    const p = writeFakePlugin(dir, 'bridge', { ADD: { stdout: JSON.stringify(result) } });
    process.env.CNI_STRAY = 'from-the-agent';
    try {
      const out = await callPlugin(defaultExec, { command: 'ADD', plugin: p.path, pluginDirs: ['/usr/lib/cni', '/opt/cni/bin'], runtime: { ...rt, args: { IgnoreUnknown: '1', IP: '10.42.0.5' } }, config: { cniVersion: '1.0.0', name: 'kedge', type: 'bridge' } });
      expect(out).toEqual({ ok: true, output: result });
    } finally {
      delete process.env.CNI_STRAY;
    }
    expect(p.calls()).toEqual([
      {
        command: 'ADD',
        containerId: 'pod-1',
        netns: rt.netns,
        ifname: 'eth0',
        args: 'IgnoreUnknown=1;IP=10.42.0.5',
        path: '/usr/lib/cni:/opt/cni/bin',
        stray: '',
        stdin: { cniVersion: '1.0.0', name: 'kedge', type: 'bridge' },
      },
    ]);
  });

  it('returns the error object a failing plugin prints (code, msg, details)', async () => {
    const p = writeFakePlugin(dir, 'failing', { ADD: { exitCode: 1, stdout: JSON.stringify({ cniVersion: '1.0.0', code: 7, msg: 'invalid network config', details: 'bridge name too long' }) } });
    const call = { command: 'ADD' as const, plugin: p.path, pluginDirs: [dir], runtime: rt, config: { cniVersion: '1.0.0', name: 'kedge', type: 'failing' } };
    const out = await callPlugin(defaultExec, call);
    expect(out).toEqual({ ok: false, error: { code: 7, msg: 'invalid network config', details: 'bridge name too long' } });
    if (!out.ok) expect(cniFailure(call, out.error)).toBe('CNI ADD of failing failed: invalid network config (bridge name too long) [CNI error 7]');
  });

  it('falls back to stderr when a plugin dies without the error object', async () => {
    const p = writeFakePlugin(dir, 'crashing', { DEL: { exitCode: 2, stderr: 'panic: runtime error' } });
    const out = await callPlugin(defaultExec, { command: 'DEL', plugin: p.path, pluginDirs: [dir], runtime: rt, config: {} });
    expect(out).toEqual({ ok: false, error: { code: null, msg: 'crashing exited with code 2: panic: runtime error' } });
  });

  it('treats an empty DEL answer as success and reports a plugin that cannot start', async () => {
    const p = writeFakePlugin(dir, 'quiet', { DEL: {} });
    expect(await callPlugin(defaultExec, { command: 'DEL', plugin: p.path, pluginDirs: [dir], runtime: rt, config: {} })).toEqual({ ok: true, output: undefined });
    const missing = await callPlugin(defaultExec, { command: 'DEL', plugin: join(dir, 'nope'), pluginDirs: [dir], runtime: rt, config: {} });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.msg).toMatch(/cannot run nope: .*ENOENT/);
  });

  it('asks VERSION with only CNI_COMMAND and a cniVersion on stdin', async () => {
    const p = writeFakePlugin(dir, 'versioned', { VERSION: { stdout: '{"cniVersion":"1.0.0","supportedVersions":["0.4.0","1.0.0"]}' } });
    const out = await callPlugin(defaultExec, { command: 'VERSION', plugin: p.path, pluginDirs: [], config: { cniVersion: '1.0.0' } });
    expect(out).toEqual({ ok: true, output: { cniVersion: '1.0.0', supportedVersions: ['0.4.0', '1.0.0'] } });
    expect(p.calls()[0]).toMatchObject({ command: 'VERSION', containerId: '', netns: '', ifname: '' });
  });
});

describe('pluginEnv and pluginOutcome', () => {
  it('refuses CNI_ARGS that would break the key=value;… format, and calls without runtime parameters', () => {
    expect(() => pluginEnv({ command: 'ADD', plugin: '/x/bridge', pluginDirs: [], runtime: { ...rt, args: { K8S_POD_NAME: 'a;b' } }, config: {} })).toThrow(/CNI_ARGS K8S_POD_NAME=a;b/);
    expect(() => pluginEnv({ command: 'DEL', plugin: '/x/bridge', pluginDirs: [], config: {} })).toThrow(/CNI DEL of bridge needs a container id/);
  });

  it('says when a successful plugin printed something that is not JSON', () => {
    const out = pluginOutcome({ stdout: 'hello', stderr: '', exitCode: 0, signal: null, timedOut: false }, '/x/bridge');
    expect(out).toEqual({ ok: false, error: { code: null, msg: 'printed a result that is not JSON: hello' } });
  });
});
