import { describe, expect, it } from 'vitest';
import { KedgeError } from '../../../shared/errors.js';
import type { ContainerSpec } from '../driver.js';
import { checkId, logUri, mountArg, needsImageEntrypoint, networkArgs, processArgs, runArgs } from './run-args.js';

const spec: ContainerSpec = {
  id: 'uid1-web',
  image: 'docker.io/library/busybox:test',
  env: { A: '1', B: 'x=y' },
  labels: { 'io.kedge.node': 'n1' },
  logPath: '/var/log/pods/default_web_uid1/web/0.log',
};

describe('processArgs (Kubernetes command/args)', () => {
  const entrypoint = ['/entry.sh', '--flag'];
  it.each([
    [{}, []],
    [{ command: ['sh', '-c', 'x'] }, ['sh', '-c', 'x']],
    [{ command: ['sh'], args: ['-c', 'x'] }, ['sh', '-c', 'x']],
    [{ args: ['serve', '--port', '80'] }, ['/entry.sh', '--flag', 'serve', '--port', '80']],
    [{ command: [], args: ['a'] }, ['/entry.sh', '--flag', 'a']],
  ])('%j → %j', (s, want) => {
    expect(processArgs(s, entrypoint)).toEqual(want);
  });

  it('args alone with no image entrypoint run the args', () => {
    expect(processArgs({ args: ['sh', '-c', 'echo hi'] }, [])).toEqual(['sh', '-c', 'echo hi']);
  });

  it('needs the image entrypoint only for args without command', () => {
    expect(needsImageEntrypoint({ args: ['x'] })).toBe(true);
    expect(needsImageEntrypoint({ command: ['a'], args: ['x'] })).toBe(false);
    expect(needsImageEntrypoint({})).toBe(false);
  });
});

describe('runArgs', () => {
  it('builds a detached host-network run with env, labels and limits', () => {
    const a = runArgs({ ...spec, workingDir: '/srv', memoryLimitBytes: 64 << 20, cpuLimitMillis: 500 }, ['sh', '-c', 'echo hi'], { cpus: true });
    expect(a).toEqual([
      'run', '-d', '--net-host', '--log-uri', 'file:///var/log/pods/default_web_uid1/web/0.log',
      '--cwd', '/srv', '--env', 'A=1', '--env', 'B=x=y', '--label', 'io.kedge.node=n1',
      '--memory-limit', String(64 << 20), '--cpus', '0.5',
      '--mount', 'type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro:nosuid:noexec:nodev',
      '--', 'docker.io/library/busybox:test', 'uid1-web', 'sh', '-c', 'echo hi',
    ]);
  });

  it('falls back to quota/period when ctr has no --cpus', () => {
    const a = runArgs({ ...spec, cpuLimitMillis: 250 }, [], { cpus: false });
    expect(a.slice(a.indexOf('--cpu-period'), a.indexOf('--cpu-period') + 4)).toEqual(['--cpu-period', '100000', '--cpu-quota', '25000']);
    expect(a.at(-1)).toBe('uid1-web'); // no argv: image default
  });

  it('rejects bad input naming the field', () => {
    expect(() => runArgs({ ...spec, memoryLimitBytes: -1 }, [], { cpus: true })).toThrow(/memoryLimitBytes/);
    expect(() => runArgs({ ...spec, cpuLimitMillis: 0.5 }, [], { cpus: true })).toThrow(/cpuLimitMillis/);
    expect(() => runArgs({ ...spec, env: { 'A=B': 'x' } }, [], { cpus: true })).toThrow(/env name/);
    expect(() => runArgs({ ...spec, id: 'bad id' }, [], { cpus: true })).toThrow(KedgeError);
  });

  it('escapes log paths into file URIs', () => {
    expect(logUri('/data/logs/a b/0.log')).toBe('file:///data/logs/a%20b/0.log');
  });

  it('checks containerd identifiers', () => {
    expect(() => checkId('abc-123.x_y')).not.toThrow();
    for (const bad of ['', '-a', 'a--', 'a/b', 'x'.repeat(77)]) expect(() => checkId(bad)).toThrow(/identifier/);
  });
});

describe('runArgs runc root', () => {
  it('passes --runc-root when given', () => {
    const a = runArgs(spec, [], { cpus: true }, '/data/containerd/state/runc');
    expect(a.slice(a.indexOf('--runc-root'), a.indexOf('--runc-root') + 2)).toEqual(['--runc-root', '/data/containerd/state/runc']);
    expect(runArgs(spec, [], { cpus: true })).not.toContain('--runc-root');
  });
});

describe('runArgs mounts', () => {
  it('passes each volume mount as a bind mount, read-only when asked', () => {
    const a = runArgs({ ...spec, mounts: [{ source: '/data/pods/u/cfg', destination: '/etc/app', readOnly: true }, { source: '/data/pods/u/scratch', destination: '/tmp/x', readOnly: false }] }, ['sh'], { cpus: true });
    const at = a.indexOf('--mount') + 2; // after the cgroup mount
    expect(a.slice(at, at + 4)).toEqual([
      '--mount', 'type=bind,src=/data/pods/u/cfg,dst=/etc/app,options=rbind:ro',
      '--mount', 'type=bind,src=/data/pods/u/scratch,dst=/tmp/x,options=rbind:rw',
    ]);
    expect(a.indexOf('--mount')).toBeLessThan(a.indexOf('--'));
  });

  it('refuses paths ctr would split', () => {
    expect(() => mountArg('c', { source: '/a,b', destination: '/x', readOnly: false })).toThrow(/mount "\/a,b" of container c/);
    expect(() => mountArg('c', { source: '/a', destination: 'rel', readOnly: false })).toThrow(/absolute/);
  });
});

describe('runArgs network', () => {
  it('joins the pod network namespace instead of the host network', () => {
    const a = runArgs({ ...spec, networkNamespace: '/run/kedge/n1/network/netns/uid1' }, ['sh'], { cpus: true });
    expect(a.slice(0, 4)).toEqual(['run', '-d', '--with-ns', 'network:/run/kedge/n1/network/netns/uid1']);
    expect(a).not.toContain('--net-host');
  });

  it('keeps host networking without a namespace', () => {
    expect(networkArgs({ id: 'c' })).toEqual(['--net-host']);
  });

  it('refuses a namespace ctr could not take', () => {
    expect(() => networkArgs({ id: 'c', networkNamespace: 'relative/ns' })).toThrow(/network namespace "relative\/ns" of container c must be an absolute path/);
    expect(() => networkArgs({ id: 'c', networkNamespace: '/a,b' })).toThrow(/without "," or ":"/);
    expect(() => networkArgs({ id: 'c', networkNamespace: '/a:b' })).toThrow(/without "," or ":"/);
  });
});
