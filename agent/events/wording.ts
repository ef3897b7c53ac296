/** Event reasons and messages in the kubelet's own words, so `describe pod` reads as on Kubernetes. */
import type { PodEvent } from './types.js';

type Pod = PodEvent['pod'];
const normal = (pod: Pod, container: string | undefined, reason: string, message: string): PodEvent => ({ pod, ...(container ? { container } : {}), reason, message, type: 'Normal' });
const warning = (pod: Pod, container: string | undefined, reason: string, message: string): PodEvent => ({ pod, ...(container ? { container } : {}), reason, message, type: 'Warning' });

function seconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
}

export const podEvents = {
  pulling: (pod: Pod, c: string, image: string) => normal(pod, c, 'Pulling', `Pulling image "${image}"`),
  pulled: (pod: Pod, c: string, image: string, ms: number) => normal(pod, c, 'Pulled', `Successfully pulled image "${image}" in ${seconds(ms)}`),
  alreadyPresent: (pod: Pod, c: string, image: string) => normal(pod, c, 'Pulled', `Container image "${image}" already present on machine`),
  pullFailed: (pod: Pod, c: string, image: string, error: string) => warning(pod, c, 'Failed', `Failed to pull image "${image}": ${error}`),
  pullBackOff: (pod: Pod, c: string, image: string) => normal(pod, c, 'BackOff', `Back-off pulling image "${image}"`),
  created: (pod: Pod, c: string) => normal(pod, c, 'Created', `Created container ${c}`),
  started: (pod: Pod, c: string) => normal(pod, c, 'Started', `Started container ${c}`),
  failed: (pod: Pod, c: string, error: string) => warning(pod, c, 'Failed', `Error: ${error}`),
  killing: (pod: Pod, c: string) => normal(pod, c, 'Killing', `Stopping container ${c}`),
  definitionChanged: (pod: Pod, c: string) => normal(pod, c, 'Killing', `Container ${c} definition changed, will be restarted`),
  probeKilling: (pod: Pod, c: string, kind: 'liveness' | 'startup') => normal(pod, c, 'Killing', `Container ${c} failed ${kind} probe, will be restarted`),
  unhealthy: (pod: Pod, c: string, title: string, detail: string) => warning(pod, c, 'Unhealthy', `${title} probe failed: ${detail}`),
  sandboxFailed: (pod: Pod, error: string) => warning(pod, undefined, 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${error}`),
  backOff: (pod: Pod, c: string) => warning(pod, c, 'BackOff', `Back-off restarting failed container ${c} in pod ${pod.name}_${pod.namespace}(${pod.uid})`),
};
