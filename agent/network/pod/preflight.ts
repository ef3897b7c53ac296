/** Can this node run the pod network? The checks are pure over gathered facts; runPreflight gathers and acts. */
import { KedgeError } from '../../../shared/errors.js';
import { cniVersions } from './cni/config.js';
import { cniPackage, missingPluginsMessage, requiredPlugins } from './cni/plugins.js';

export type KernelFeature = 'bridge' | 'veth' | 'vxlan';

export interface PreflightFacts {
  /** Path of each required plugin, undefined when none of the directories has it. */
  plugins: Record<string, string | undefined>;
  /** The spec versions each found plugin supports (its VERSION answer); undefined when it did not answer. */
  pluginVersions: Record<string, string[] | undefined>;
  /** Commands the pod network runs: nft (Service rules), unshare and umount (namespaces). */
  commands: Record<string, boolean>;
  /** net.ipv4.ip_forward is 1; undefined when it could not be read. */
  ipForward: boolean | undefined;
  /** undefined: the kernel's configuration could not be read. */
  kernel: Record<KernelFeature, boolean | undefined>;
}

export interface PreflightReport {
  /** Each one stops the pod network, and says what to install or set. */
  problems: string[];
  warnings: string[];
  /** The newest spec version every plugin speaks. */
  cniVersion?: string;
}

/** The package each command comes from, on Debian and Raspberry Pi OS. */
export const commandPackages: Record<string, string> = { nft: 'nftables', unshare: 'util-linux', umount: 'mount' };

const kernelNeeds: Record<KernelFeature, string> = {
  bridge: 'CONFIG_BRIDGE (the pod bridge)',
  veth: 'CONFIG_VETH (pod interfaces)',
  vxlan: 'CONFIG_VXLAN (the vxlan backend)',
};

export function checkPreflight(f: PreflightFacts, o: { pluginDirs: readonly string[]; vxlanRequired?: boolean }): PreflightReport {
  const problems: string[] = [];
  const warnings: string[] = [];
  const missing = requiredPlugins.filter((p) => !f.plugins[p]);
  if (missing.length) problems.push(missingPluginsMessage(missing, o.pluginDirs));

  let cniVersion: string | undefined;
  const found = requiredPlugins.filter((p) => f.plugins[p]);
  if (found.length === requiredPlugins.length) {
    const silent = found.filter((p) => !f.pluginVersions[p]?.length);
    if (silent.length) problems.push(`CNI plugin ${silent.map((p) => f.plugins[p]).join(', ')} did not answer the VERSION command: reinstall the ${cniPackage} package`);
    else {
      cniVersion = cniVersions.find((v) => found.every((p) => f.pluginVersions[p]!.includes(v)));
      if (!cniVersion) problems.push(`the CNI plugins in ${found.map((p) => f.plugins[p]).join(', ')} support none of the spec versions ${cniVersions.join(', ')}: install a newer ${cniPackage} package (1.0 or later)`);
    }
  }

  for (const [cmd, pkg] of Object.entries(commandPackages)) {
    if (f.commands[cmd] === false) problems.push(`${cmd} is not installed: install the ${pkg} package (apt-get install ${pkg})`);
  }

  if (f.ipForward === false) problems.push('net.ipv4.ip_forward is 0, so pods cannot reach other nodes or the outside: set it with `sysctl -w net.ipv4.ip_forward=1` and keep it in /etc/sysctl.d/90-kedge.conf');
  else if (f.ipForward === undefined) warnings.push('cannot read net.ipv4.ip_forward (/proc/sys/net/ipv4/ip_forward); pods may not reach other nodes');

  for (const feature of ['bridge', 'veth', 'vxlan'] as const) {
    const has = f.kernel[feature];
    const need = kernelNeeds[feature];
    if (has === false && (feature !== 'vxlan' || o.vxlanRequired)) problems.push(`the kernel has no ${feature} support: it needs ${need}, built in or as the ${feature} module`);
    else if (has === false) warnings.push(`the kernel has no vxlan support (${need}): only the host-gw backend works on this node`);
    else if (has === undefined) warnings.push(`cannot tell whether the kernel supports ${feature} (${need}): neither /sys/module, the module lists nor the kernel config say`);
  }
  return { problems, warnings, ...(cniVersion ? { cniVersion } : {}) };
}

/**
 * Whether the kernel has a feature: a loaded or built-in module (/sys/module/<name>), a module
 * it can load (modules.dep, modules.builtin), or the kernel config. undefined when none is readable.
 */
export function kernelHas(feature: KernelFeature, s: { sysModule: boolean; moduleLists?: string; kernelConfig?: string }): boolean | undefined {
  if (s.sysModule) return true;
  if (s.moduleLists !== undefined && new RegExp(`/${feature}\\.ko(\\.[a-z]+)?\\b`).test(s.moduleLists)) return true;
  if (s.kernelConfig !== undefined) return new RegExp(`^CONFIG_${feature.toUpperCase()}=(y|m)$`, 'm').test(s.kernelConfig);
  return s.moduleLists !== undefined ? false : undefined;
}

/** The I/O the preflight needs, injectable for tests. */
export interface PreflightProbes {
  findPlugin(dirs: readonly string[], name: string): Promise<string | undefined>;
  /** The plugin's VERSION answer, or undefined. */
  pluginVersions(path: string): Promise<string[] | undefined>;
  onPath(command: string): Promise<boolean>;
  readIpForward(): Promise<boolean | undefined>;
  /** Sets net.ipv4.ip_forward to 1; false when it could not. */
  enableIpForward(): Promise<boolean>;
  kernel(feature: KernelFeature): Promise<boolean | undefined>;
}

export async function gatherPreflight(p: PreflightProbes, pluginDirs: readonly string[]): Promise<PreflightFacts> {
  const plugins: PreflightFacts['plugins'] = {};
  const pluginVersions: PreflightFacts['pluginVersions'] = {};
  for (const name of requiredPlugins) {
    const path = await p.findPlugin(pluginDirs, name);
    plugins[name] = path;
    if (path) pluginVersions[name] = await p.pluginVersions(path);
  }
  const commands: PreflightFacts['commands'] = {};
  for (const c of Object.keys(commandPackages)) commands[c] = await p.onPath(c);
  return {
    plugins,
    pluginVersions,
    commands,
    ipForward: await p.readIpForward(),
    kernel: { bridge: await p.kernel('bridge'), veth: await p.kernel('veth'), vxlan: await p.kernel('vxlan') },
  };
}

/**
 * Checks the node, turning IP forwarding on when it is off (as K3s does, and says so), and throws
 * one error listing every problem with its fix. Returns the spec version to call the plugins with.
 */
export async function runPreflight(o: { probes: PreflightProbes; pluginDirs: readonly string[]; vxlanRequired?: boolean; log: (m: string) => void }): Promise<{ cniVersion: string; warnings: string[] }> {
  const facts = await gatherPreflight(o.probes, o.pluginDirs);
  if (facts.ipForward === false && (await o.probes.enableIpForward())) {
    o.log('net.ipv4.ip_forward was 0: set it to 1, so pods reach other nodes and the outside (as K3s does); keep it in /etc/sysctl.d/ to say so yourself');
    facts.ipForward = await o.probes.readIpForward();
  }
  const report = checkPreflight(facts, o);
  for (const w of report.warnings) o.log(`pod network: ${w}`);
  if (report.problems.length || !report.cniVersion) {
    throw new KedgeError('ServiceUnavailable', `the pod network cannot start on this node:\n${report.problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return { cniVersion: report.cniVersion, warnings: report.warnings };
}
