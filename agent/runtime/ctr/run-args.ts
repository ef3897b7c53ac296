/** Turns a ContainerSpec into `ctr run` arguments; pure, so Kubernetes semantics are unit tested. */
import { pathToFileURL } from 'node:url';
import { KedgeError } from '../../../shared/errors.js';
import type { ContainerSpec, Mount } from '../driver.js';

/** containerd's identifier rule (pkg/identifiers). */
const identifier = /^[A-Za-z0-9]+(?:[._-](?:[A-Za-z0-9]+))*$/;

export function checkId(id: string, field = 'id'): void {
  if (!identifier.test(id) || id.length > 76) {
    throw new KedgeError('Invalid', `${field} "${id}" is not a valid containerd identifier (letters, digits, and single . _ - between them; at most 76 characters)`);
  }
}

/**
 * The process argv ctr should run, or [] to keep the image default.
 * Kubernetes: `command` replaces ENTRYPOINT (and drops CMD); `args` replace CMD.
 */
export function processArgs(spec: Pick<ContainerSpec, 'command' | 'args'>, imageEntrypoint: string[]): string[] {
  if (spec.command && spec.command.length > 0) return [...spec.command, ...(spec.args ?? [])];
  if (spec.args && spec.args.length > 0) return [...imageEntrypoint, ...spec.args];
  return [];
}

export function needsImageEntrypoint(spec: Pick<ContainerSpec, 'command' | 'args'>): boolean {
  return !(spec.command && spec.command.length > 0) && !!spec.args && spec.args.length > 0;
}

export function logUri(logPath: string): string {
  return pathToFileURL(logPath).href;
}

export interface CpuFlagSupport {
  cpus: boolean;
}

/** The full `ctr run` argument list after `-a … -n …`. */
export function runArgs(spec: ContainerSpec, argv: string[], cpu: CpuFlagSupport, runcRoot?: string): string[] {
  checkId(spec.id);
  const out = ['run', '-d', ...networkArgs(spec), '--log-uri', logUri(spec.logPath)];
  // Stored in the container's runtime options, so later `tasks start` uses the same root.
  if (runcRoot) out.push('--runc-root', runcRoot);
  if (spec.workingDir) out.push('--cwd', spec.workingDir);
  // ctr applies the image Env first and these on top, so spec values win per key.
  for (const [k, v] of Object.entries(spec.env)) {
    if (!k || k.includes('=')) throw new KedgeError('Invalid', `env name "${k}" of container ${spec.id} must be non-empty and contain no "="`);
    out.push('--env', `${k}=${v}`);
  }
  for (const [k, v] of Object.entries(spec.labels)) {
    if (!k || k.includes('=')) throw new KedgeError('Invalid', `label key "${k}" of container ${spec.id} must be non-empty and contain no "="`);
    out.push('--label', `${k}=${v}`);
  }
  if (spec.memoryLimitBytes !== undefined) {
    if (!Number.isInteger(spec.memoryLimitBytes) || spec.memoryLimitBytes <= 0) {
      throw new KedgeError('Invalid', `memoryLimitBytes of container ${spec.id} must be a positive integer, got ${spec.memoryLimitBytes}`);
    }
    out.push('--memory-limit', String(spec.memoryLimitBytes));
  }
  if (spec.cpuLimitMillis !== undefined) {
    if (!Number.isInteger(spec.cpuLimitMillis) || spec.cpuLimitMillis <= 0) {
      throw new KedgeError('Invalid', `cpuLimitMillis of container ${spec.id} must be a positive integer, got ${spec.cpuLimitMillis}`);
    }
    if (cpu.cpus) out.push('--cpus', String(spec.cpuLimitMillis / 1000));
    else out.push('--cpu-period', '100000', '--cpu-quota', String(spec.cpuLimitMillis * 100));
  }
  // ctr's spec leaves /sys/fs/cgroup empty; like Docker and the kubelet, show the container its own cgroups
  // (read-only), so runtimes that size themselves by their limits (JVM, Go, Node) see them.
  out.push('--mount', 'type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro:nosuid:noexec:nodev');
  for (const m of spec.mounts ?? []) out.push('--mount', mountArg(spec.id, m));
  // "--" so an argv starting with "-" is never read as a ctr flag.
  out.push('--', spec.image, spec.id, ...argv);
  return out;
}

/** The pod's own namespace (joined, not created: containers of a pod share it), or the host's network. */
export function networkArgs(spec: Pick<ContainerSpec, 'id' | 'networkNamespace'>): string[] {
  const ns = spec.networkNamespace;
  if (ns === undefined) return ['--net-host'];
  // ctr splits the flag on ":" and on ",".
  if (!ns.startsWith('/') || /[,:]/.test(ns)) throw new KedgeError('Invalid', `network namespace "${ns}" of container ${spec.id} must be an absolute path without "," or ":"`);
  return ['--with-ns', `network:${ns}`];
}

/** ctr's --mount syntax; it splits on "," and "=", so paths holding them cannot be passed. */
export function mountArg(id: string, m: Mount): string {
  for (const p of [m.source, m.destination]) {
    if (!p.startsWith('/') || /[,=]/.test(p)) {
      throw new KedgeError('Invalid', `mount "${p}" of container ${id} must be an absolute path without "," or "="`);
    }
  }
  return `type=bind,src=${m.source},dst=${m.destination},options=rbind:${m.readOnly ? 'ro' : 'rw'}`;
}
