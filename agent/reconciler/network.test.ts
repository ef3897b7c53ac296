import { describe, expect, it } from 'vitest';
import type { PodStatus } from '../../shared/pod.js';
import { containerLabels, type ContainerInfo } from '../runtime/driver.js';
import { localPods, networksToRelease, networkWork, podFinished, type PodPlacement } from './network.js';
import { testPod } from './testing/pod-fixtures.js';
import { createRuntimeState } from './state.js';

const container = (uid: string, status: 'running' | 'stopped' | null = 'running', node = 'edge-1'): ContainerInfo => ({
  id: `${uid}-c0`,
  image: 'i',
  labels: { [containerLabels.node]: node, [containerLabels.podUid]: uid },
  task: status ? { status } : null,
});

describe('networkWork', () => {
  const opts = { nodeName: 'edge-1', attached: (uid: string) => uid === 'uid-attached', hostPrepared: () => false };

  it('attaches pods about to start, not hostNetwork, attached, elsewhere, deleted or waiting out a failure', () => {
    const deleting = testPod('deleting');
    deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    const state = createRuntimeState();
    state.network.set('uid-failed', { message: 'x', retryAt: 2_000, backoffMs: 1000 });
    const desired = [testPod('new'), testPod('attached'), testPod('host', { spec: { hostNetwork: true } }), testPod('other', { spec: { nodeName: 'edge-2' } }), deleting, testPod('failed')];
    expect(networkWork(desired, [], state, 1_000, opts).attach.map((p) => p.metadata.name)).toEqual(['new']);
    expect(networkWork(desired, [], state, 2_000, opts).attach.map((p) => p.metadata.name)).toEqual(['new', 'failed']);
  });

  it('prepares a resolv.conf for hostNetwork pods whose dnsPolicy asks for the cluster DNS', () => {
    const desired = [testPod('a', { spec: { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } }), testPod('b', { spec: { hostNetwork: true, dnsPolicy: 'None' } }), testPod('c', { spec: { hostNetwork: true } })];
    expect(networkWork(desired, [], createRuntimeState(), 0, opts).hostFiles.map((p) => p.metadata.name)).toEqual(['a', 'b']);
    expect(networkWork(desired, [], createRuntimeState(), 0, { ...opts, hostPrepared: () => true }).hostFiles).toEqual([]);
  });
});

describe('podFinished', () => {
  it('is true only when every container ended and its restart policy keeps it down', () => {
    const state = createRuntimeState();
    state.containers.set('uid-job-c0', { restartCount: 0, running: false, backoffMs: 0, lastExit: { exitCode: 0, finishedAt: 1 } });
    const byId = new Map([['uid-job-c0', container('uid-job', 'stopped')]]);
    expect(podFinished(testPod('job', { spec: { restartPolicy: 'Never' } }), byId, state)).toBe(true);
    expect(podFinished(testPod('job', { spec: { restartPolicy: 'Always' } }), byId, state)).toBe(false);
    expect(podFinished(testPod('job', { spec: { restartPolicy: 'Never' } }), new Map(), state)).toBe(false);
  });
});

describe('networksToRelease', () => {
  it('releases what is neither runnable here nor holding containers', () => {
    const deleting = testPod('deleting');
    deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    const desired = [testPod('web'), deleting, testPod('stopping')];
    const actual = [container('uid-stopping', 'stopped'), container('uid-gone'), container('uid-elsewhere', 'running', 'edge-2')];
    expect(networksToRelease(['uid-web', 'uid-deleting', 'uid-stopping', 'uid-gone', 'uid-elsewhere', 'uid-old'], desired, actual, 'edge-1')).toEqual(['uid-deleting', 'uid-elsewhere', 'uid-old']);
  });

  it('a pod being deleted keeps its network while a container of it runs, and gives it up once they are stopped', () => {
    const deleting = testPod('deleting');
    deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(networksToRelease(['uid-deleting'], [deleting], [container('uid-deleting', 'running')], 'edge-1')).toEqual([]);
    expect(networksToRelease(['uid-deleting'], [deleting], [container('uid-deleting', 'stopped')], 'edge-1')).toEqual(['uid-deleting']);
  });
});

describe('localPods', () => {
  const ready: PodStatus = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
  const onNet: PodPlacement = { type: 'pod', attachment: { uid: 'uid-web', ip: '10.42.3.2', netns: '/n', resolvConf: '/r', hosts: '/h' } };
  it('lists pods on the pod network, ready only when Running, Ready and not being deleted', () => {
    const deleting = testPod('web');
    deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(
      localPods([
        { pod: testPod('web'), status: ready, placement: onNet },
        { pod: testPod('host'), status: ready, placement: { type: 'host' } },
        { pod: testPod('wait'), status: { phase: 'Pending' }, placement: { type: 'waiting', message: 'm' } },
      ]),
    ).toEqual([{ uid: 'uid-web', namespace: 'default', name: 'web', ip: '10.42.3.2', ready: true, hostPorts: [] }]);
    expect(localPods([{ pod: deleting, status: ready, placement: onNet }])[0]!.ready).toBe(false);
    expect(localPods([{ pod: testPod('web'), status: { ...ready, conditions: [{ type: 'Ready', status: 'False' }] }, placement: onNet }])[0]!.ready).toBe(false);
  });
});
