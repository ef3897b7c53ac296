import { describe, expect, it } from 'vitest';
import { containerLabels, type ContainerInfo } from '../runtime/driver.js';
import type { PodPlacement } from './network.js';
import { testPod } from './testing/pod-fixtures.js';
import { probeTargets } from './probe-targets.js';
import { createRuntimeState } from './state.js';

describe('probeTargets', () => {
  const probe = { readinessProbe: { httpGet: { port: 80 } } };
  const pods = [testPod('web', { containers: [{ name: 'c0', ...probe }] }), testPod('host', { containers: [{ name: 'c0', ...probe }], spec: { hostNetwork: true } })];
  const actual: ContainerInfo[] = ['uid-web-c0', 'uid-host-c0'].map((id) => ({ id, image: 'i', labels: { [containerLabels.node]: 'edge-1' }, task: { status: 'running' } }));
  const state = createRuntimeState();
  for (const a of actual) state.containers.set(a.id, { restartCount: 0, running: true, startedAt: 5, backoffMs: 0 });
  const placement = (pod: (typeof pods)[number]): PodPlacement =>
    pod.spec.hostNetwork ? { type: 'host' } : { type: 'pod', attachment: { uid: 'uid-web', ip: '10.42.3.7', netns: '/n', resolvConf: '/r', hosts: '/h' } };

  it('aims probes of pods on the pod network at the pod IP, hostNetwork pods at the node', () => {
    expect(probeTargets(pods, actual, state, placement).map((t) => [t.id, t.host])).toEqual([
      ['uid-web-c0', '10.42.3.7'],
      ['uid-host-c0', undefined],
    ]);
    expect(probeTargets(pods, actual, state).every((t) => t.host === undefined)).toBe(true);
  });
});
