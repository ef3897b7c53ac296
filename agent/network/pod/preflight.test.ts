import { describe, expect, it } from 'vitest';
import { checkPreflight, kernelHas, runPreflight, type PreflightFacts, type PreflightProbes } from './preflight.js';

const dirs = ['/usr/lib/cni', '/opt/cni/bin', '/usr/libexec/cni'];
const good: PreflightFacts = {
  plugins: { bridge: '/usr/lib/cni/bridge', 'host-local': '/usr/lib/cni/host-local', loopback: '/usr/lib/cni/loopback' },
  pluginVersions: { bridge: ['0.4.0', '1.0.0'], 'host-local': ['0.4.0', '1.0.0'], loopback: ['0.4.0', '1.0.0'] },
  commands: { nft: true, unshare: true, umount: true },
  ipForward: true,
  kernel: { bridge: true, veth: true, vxlan: true },
};

describe('checkPreflight', () => {
  it('passes a ready node and picks the newest spec version all plugins speak', () => {
    expect(checkPreflight(good, { pluginDirs: dirs })).toEqual({ problems: [], warnings: [], cniVersion: '1.0.0' });
    const older = { ...good, pluginVersions: { ...good.pluginVersions, loopback: ['0.3.1', '0.4.0'] } };
    expect(checkPreflight(older, { pluginDirs: dirs }).cniVersion).toBe('0.4.0');
  });

  it.each<[string, Partial<PreflightFacts>, RegExp]>([
    ['plugins missing: the package and every directory searched', { plugins: { bridge: '/usr/lib/cni/bridge' } }, /^CNI plugins host-local, loopback not found in \/usr\/lib\/cni, \/opt\/cni\/bin, \/usr\/libexec\/cni: install the containernetworking-plugins package/],
    ['plugins too old', { pluginVersions: { bridge: ['0.2.0'], 'host-local': ['0.2.0'], loopback: ['0.2.0'] } }, /support none of the spec versions 1\.0\.0, 0\.4\.0, 0\.3\.1: install a newer containernetworking-plugins/],
    ['a plugin that does not answer VERSION', { pluginVersions: { ...good.pluginVersions, bridge: undefined } }, /\/usr\/lib\/cni\/bridge did not answer the VERSION command/],
    ['nft missing', { commands: { nft: false, unshare: true, umount: true } }, /^nft is not installed: install the nftables package/],
    ['ip_forward off', { ipForward: false }, /net\.ipv4\.ip_forward is 0.*sysctl -w net\.ipv4\.ip_forward=1/],
    ['no bridge support', { kernel: { bridge: false, veth: true, vxlan: true } }, /kernel has no bridge support: it needs CONFIG_BRIDGE/],
    ['no veth support', { kernel: { bridge: true, veth: false, vxlan: true } }, /kernel has no veth support/],
  ])('%s', (_why, over, problem) => {
    const r = checkPreflight({ ...good, ...over }, { pluginDirs: dirs });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(problem);
  });

  it('makes missing vxlan a problem only when the vxlan backend is asked for', () => {
    const noVxlan = { ...good, kernel: { bridge: true, veth: true, vxlan: false } };
    expect(checkPreflight(noVxlan, { pluginDirs: dirs })).toMatchObject({ problems: [], warnings: [expect.stringMatching(/no vxlan support .*only the host-gw backend/)] });
    expect(checkPreflight(noVxlan, { pluginDirs: dirs, vxlanRequired: true }).problems[0]).toMatch(/no vxlan support: it needs CONFIG_VXLAN/);
  });

  it('warns when it cannot tell', () => {
    const r = checkPreflight({ ...good, ipForward: undefined, kernel: { bridge: undefined, veth: true, vxlan: true } }, { pluginDirs: dirs });
    expect(r.problems).toEqual([]);
    expect(r.warnings).toHaveLength(2);
  });
});

describe('kernelHas', () => {
  it.each<[string, Parameters<typeof kernelHas>[1], boolean | undefined]>([
    ['a loaded module', { sysModule: true }, true],
    ['a loadable module', { sysModule: false, moduleLists: 'kernel/net/bridge/bridge.ko.xz: kernel/net/802/stp.ko.xz\n' }, true],
    ['built in, listed in modules.builtin', { sysModule: false, moduleLists: 'kernel/net/bridge/bridge.ko\n' }, true],
    ['not in the lists and no config', { sysModule: false, moduleLists: 'kernel/net/802/stp.ko\n' }, false],
    ['the kernel config says y', { sysModule: false, kernelConfig: 'CONFIG_BRIDGE=y\n' }, true],
    ['the kernel config says no', { sysModule: false, kernelConfig: '# CONFIG_BRIDGE is not set\n' }, false],
    ['nothing readable', { sysModule: false }, undefined],
  ])('%s', (_why, sources, want) => {
    expect(kernelHas('bridge', sources)).toBe(want);
  });
});

describe('runPreflight', () => {
  function probes(over: Partial<PreflightProbes> = {}): PreflightProbes & { forward: boolean } {
    const p: PreflightProbes & { forward: boolean } = {
      forward: false,
      findPlugin: async (_d: readonly string[], name: string) => `/usr/lib/cni/${name}`,
      pluginVersions: async () => ['1.0.0'],
      onPath: async () => true,
      readIpForward: async () => p.forward,
      enableIpForward: async () => {
        p.forward = true;
        return true;
      },
      kernel: async () => true,
      ...over,
    };
    return p;
  }

  it('turns IP forwarding on itself and says so', async () => {
    const logs: string[] = [];
    const p = probes();
    expect(await runPreflight({ probes: p, pluginDirs: dirs, log: (m) => logs.push(m) })).toEqual({ cniVersion: '1.0.0', warnings: [] });
    expect(p.forward).toBe(true);
    expect(logs).toEqual([expect.stringMatching(/net\.ipv4\.ip_forward was 0: set it to 1/)]);
  });

  it('throws one error listing every problem with its fix', async () => {
    const p = probes({ findPlugin: async () => undefined, onPath: async (c) => c !== 'nft', enableIpForward: async () => false });
    const err = await runPreflight({ probes: p, pluginDirs: dirs, log: () => undefined }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const lines = (err as Error).message.split('\n');
    expect(lines[0]).toBe('the pod network cannot start on this node:');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}- CNI plugins bridge, host-local, loopback not found in /),
      expect.stringMatching(/^ {2}- nft is not installed: install the nftables package/),
      expect.stringMatching(/^ {2}- net\.ipv4\.ip_forward is 0/),
    ]);
  });
});
