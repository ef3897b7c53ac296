import { cpuMillis, memoryBytes } from '../../shared/quantity.js';
import type { Container, Pod } from '../../shared/pod.js';
import { containerLabels, type ContainerSpec } from '../runtime/driver.js';
import { containerId, podName, podNamespace, podUid } from './ids.js';

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
}

export function logPathOf(ctx: SpecContext, pod: Pod, container: string, restartCount: number): string {
  return ctx.logPath({ namespace: podNamespace(pod), pod: podName(pod), uid: podUid(pod), container, restartCount });
}

/** The runtime's view of one container of a pod. Throws a KedgeError naming the field for a bad quantity. */
export function buildContainerSpec(pod: Pod, index: number, ctx: SpecContext, restartCount: number): ContainerSpec {
  const c: Container = pod.spec.containers[index]!;
  const uid = podUid(pod);
  const limits = c.resources?.limits;
  const field = `spec.containers[${index}].resources.limits`;
  const env: Record<string, string> = {};
  // valueFrom (configmaps, secrets) comes later; a variable without a value is "" as in Kubernetes.
  for (const e of c.env ?? []) env[e.name] = e.value ?? '';
  return {
    id: containerId(uid, c.name),
    image: ctx.normalizeImage(c.image),
    ...(c.command ? { command: [...c.command] } : {}),
    ...(c.args ? { args: [...c.args] } : {}),
    env,
    ...(c.workingDir ? { workingDir: c.workingDir } : {}),
    labels: {
      [containerLabels.node]: ctx.nodeName,
      [containerLabels.podName]: podName(pod),
      [containerLabels.podNamespace]: podNamespace(pod),
      [containerLabels.podUid]: uid,
      [containerLabels.container]: c.name,
    },
    logPath: logPathOf(ctx, pod, c.name, restartCount),
    ...(limits?.memory !== undefined ? { memoryLimitBytes: memoryBytes(limits.memory, `${field}.memory`) } : {}),
    ...(limits?.cpu !== undefined ? { cpuLimitMillis: cpuMillis(limits.cpu, `${field}.cpu`) } : {}),
  };
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
