import { cpuMillis, memoryBytes } from '../../shared/quantity.js';
import type { Container, Pod } from '../../shared/pod.js';
import { KedgeError } from '../../shared/errors.js';
import { containerLabels, type ContainerSpec, type Mount } from '../runtime/driver.js';
import { containerMounts, type PlannedVolume, type VolumeRoots } from '../volumes/plan.js';
import { expandVars, resolveEnv } from './env.js';
import { containerId, podName, podNamespace, podUid } from './ids.js';
import type { PodPlacement } from './network.js';
import { noConfigSources, type ConfigSources } from './sources.js';

export interface LogPathParts {
  namespace: string;
  pod: string;
  uid: string;
  container: string;
  restartCount: number;
}

/** What building a container spec needs from the rest of the agent (image naming, log files). */
export interface SpecContext {
  nodeName: string;
  /** docker.io/library/busybox:latest from "busybox". */
  normalizeImage(ref: string): string;
  /** The log file of one run of a container; a restart gets a new file. */
  logPath(parts: LogPathParts): string;
  /** The ConfigMaps and Secrets sent with the desired state. */
  sources?: ConfigSources;
  /** The node's address, for fieldRef status.hostIP and status.podIP (host networking). */
  hostIP?: string;
  /** Where pod volumes live; a node without them refuses pods with volumes. */
  volumeRoots?: VolumeRoots;
  /** Where each pod's containers run; absent: every pod on the host's network (a node without the pod network). */
  placement?: (pod: Pod) => PodPlacement;
}

export function logPathOf(ctx: SpecContext, pod: Pod, container: string, restartCount: number): string {
  return ctx.logPath({ namespace: podNamespace(pod), pod: podName(pod), uid: podUid(pod), container, restartCount });
}

/** The volume roots, or why this node cannot give the pod its volumes. */
export function volumeRootsFor(ctx: SpecContext): VolumeRoots {
  if (!ctx.volumeRoots) throw new KedgeError('Invalid', 'this node has no volume directory configured; pods with volumes cannot run here');
  return ctx.volumeRoots;
}

/**
 * The runtime's view of one container of a pod: env resolved from ConfigMaps, Secrets and
 * fields, $(VAR) expanded in command and args, volume mounts. Throws a KedgeError naming what
 * is missing or wrong (the container waits with CreateContainerConfigError).
 */
export function buildContainerSpec(pod: Pod, index: number, ctx: SpecContext, restartCount: number, volumes: readonly PlannedVolume[] = []): ContainerSpec {
  const c: Container = pod.spec.containers[index]!;
  const uid = podUid(pod);
  const limits = c.resources?.limits;
  const field = `spec.containers[${index}].resources.limits`;
  const placement = ctx.placement?.(pod);
  if (placement?.type === 'waiting') throw new KedgeError('Conflict', `pod ${podNamespace(pod)}/${podName(pod)} is not on the pod network yet: ${placement.message}`);
  const attachment = placement?.type === 'pod' ? placement.attachment : undefined;
  const netns = attachment?.netns ?? (placement?.type === 'host' ? placement.files?.netns : undefined);
  const vars = resolveEnv(pod, c, ctx.sources ?? noConfigSources, { nodeName: ctx.nodeName, hostIP: ctx.hostIP ?? '', ...(attachment ? { podIP: attachment.ip } : {}) });
  // The pod's own files first, so a volume the pod mounts on the same path wins, as in Kubernetes.
  const mounts = [...networkMounts(placement), ...containerMounts(c, index, volumes)];
  return {
    id: containerId(uid, c.name),
    image: ctx.normalizeImage(c.image),
    ...(c.command ? { command: c.command.map((a) => expandVars(a, vars)) } : {}),
    ...(c.args ? { args: c.args.map((a) => expandVars(a, vars)) } : {}),
    env: Object.fromEntries(vars),
    ...(c.workingDir ? { workingDir: c.workingDir } : {}),
    labels: {
      [containerLabels.node]: ctx.nodeName,
      [containerLabels.podName]: podName(pod),
      [containerLabels.podNamespace]: podNamespace(pod),
      [containerLabels.podUid]: uid,
      [containerLabels.container]: c.name,
      ...(pod.spec.terminationGracePeriodSeconds !== undefined ? { [containerLabels.graceSeconds]: String(pod.spec.terminationGracePeriodSeconds) } : {}),
    },
    logPath: logPathOf(ctx, pod, c.name, restartCount),
    ...(limits?.memory !== undefined ? { memoryLimitBytes: memoryBytes(limits.memory, `${field}.memory`) } : {}),
    ...(limits?.cpu !== undefined ? { cpuLimitMillis: cpuMillis(limits.cpu, `${field}.cpu`) } : {}),
    ...(mounts.length ? { mounts } : {}),
    ...(netns ? { networkNamespace: netns } : {}),
  };
}

/** /etc/resolv.conf and /etc/hosts as the agent wrote them for the pod, read-only. */
function networkMounts(p: PodPlacement | undefined): Mount[] {
  const files = p?.type === 'pod' ? p.attachment : p?.type === 'host' ? p.files : undefined;
  if (!files) return [];
  return [
    { source: files.resolvConf, destination: '/etc/resolv.conf', readOnly: true },
    { source: files.hosts, destination: '/etc/hosts', readOnly: true },
  ];
}

/** The normalized image, or the reason it is not a valid reference (the normalizer throws). */
export function tryNormalize(ctx: Pick<SpecContext, 'normalizeImage'>, ref: string): { image: string } | { error: string } {
  try {
    return { image: ctx.normalizeImage(ref) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Kubernetes' default: Always for :latest or untagged images, IfNotPresent otherwise. */
export function pullPolicy(c: Container): 'Always' | 'IfNotPresent' | 'Never' {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  if (c.image.includes('@')) return 'IfNotPresent';
  const last = c.image.slice(c.image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  return colon < 0 || last.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

/** Whether a container that exited should run again. An unknown exit code counts as a failure. */
export function shouldRestart(policy: 'Always' | 'OnFailure' | 'Never' | undefined, exitCode: number | null): boolean {
  switch (policy ?? 'Always') {
    case 'Always':
      return true;
    case 'OnFailure':
      return exitCode !== 0;
    case 'Never':
      return false;
  }
}
