import { describe, expect, it } from 'vitest';
import { containerdPaths, maxSocketPath, renderContainerdConfig } from './config.js';

describe('containerd config', () => {
  it('puts the state on /run when it can (exec probes write there on every run) and the rest under the data dir', () => {
    const p = containerdPaths('/var/lib/kedge/agent', '/run/kedge');
    expect(p.state).toMatch(/^\/run\/kedge\/containerd-[0-9a-f]{12}$/);
    expect(p.runcRoot).toBe(`${p.state}/runc`);
    expect(containerdPaths('/var/lib/kedge/agent2', '/run/kedge').state).not.toBe(p.state);
    expect(renderContainerdConfig(p)).toContain(`state = "${p.state}"`);
  });

  it('puts root, state and socket under <dataDir>/containerd without a /run, and disables CRI', () => {
    const p = containerdPaths('/var/lib/kedge/agent', null);
    expect(p.address).toBe('/var/lib/kedge/agent/containerd/containerd.sock');
    const toml = renderContainerdConfig(p);
    expect(toml).toContain('version = 2');
    expect(toml).toContain('root = "/var/lib/kedge/agent/containerd/root"');
    expect(toml).toContain('state = "/var/lib/kedge/agent/containerd/state"');
    expect(toml).toMatch(/\[grpc\]\n {2}address = "\/var\/lib\/kedge\/agent\/containerd\/containerd.sock"/);
    expect(toml).toMatch(/disabled_plugins = \[.*"io.containerd.grpc.v1.cri".*\]/);
    expect(toml).not.toContain('runtime.v1.linux'); // the 1.6 tasks service needs it
  });

  it('escapes quotes in paths', () => {
    expect(renderContainerdConfig(containerdPaths('/data/we"ird', null))).toContain('root = "/data/we\\"ird/containerd/root"');
  });

  it('refuses a data dir whose socket path would not fit sun_path, naming the flag', () => {
    const long = '/' + 'd'.repeat(maxSocketPath);
    expect(() => containerdPaths(long)).toThrow(/--data-dir|--containerd-address/);
    expect(() => containerdPaths('/' + 'd'.repeat(maxSocketPath - '/containerd/containerd.sock'.length - 1))).not.toThrow();
  });
});
