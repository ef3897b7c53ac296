import { describe, it, expect } from 'vitest';
import { containerLabels, type ContainerInfo, type TaskStatus } from '../runtime/driver.js';
import type { PodSpec } from '../../shared/pod.js';
import { createRuntimeState, containerRecord, type RuntimeState } from './state.js';
import { buildPodStatus } from './status.js';
import { testPod, testSpecContext } from './testing/pod-fixtures.js';

const t0 = Date.UTC(2024, 0, 1);
const ctx = { ...testSpecContext(), hostIP: '10.0.0.7' };

type C = { task: TaskStatus | 'none' | 'absent'; exit?: number | null; backoffUntil?: number };

function build(restartPolicy: PodSpec['restartPolicy'], containers: C[], now = t0) {
  const pod = testPod('p', { containers: containers.map((_, i) => ({ name: `c${i}` })), spec: restartPolicy ? { restartPolicy } : {} });
  const state: RuntimeState = createRuntimeState();
  const actual = new Map<string, ContainerInfo>();
  containers.forEach((c, i) => {
    const id = `uid-p-c${i}`;
    if (c.task === 'absent') return;
    actual.set(id, { id, image: 'docker.io/library/busybox:1.36', labels: { [containerLabels.node]: 'edge-1' }, task: c.task === 'none' ? null : { status: c.task } });
    const rec = containerRecord(state, id);
    rec.startedAt = t0 - 5000;
    rec.running = c.task === 'running';
    if (c.exit !== undefined) {
      rec.lastExit = { exitCode: c.exit, finishedAt: t0 - 1000, startedAt: t0 - 5000 };
      rec.backoffMs = 10_000;
      rec.restartAt = c.backoffUntil;
    }
  });
  return buildPodStatus(pod, actual, state, now, ctx);
}

describe('pod status', () => {
  it.each<[string, PodSpec['restartPolicy'], C[], string]>([
    ['nothing created yet', undefined, [{ task: 'absent' }], 'Pending'],
    ['one of two created', undefined, [{ task: 'running' }, { task: 'absent' }], 'Pending'],
    ['all running', undefined, [{ task: 'running' }, { task: 'running' }], 'Running'],
    ['Always, crashed, backing off', 'Always', [{ task: 'stopped', exit: 1, backoffUntil: t0 + 5000 }], 'Running'],
    ['Always, exited 0 (will restart)', 'Always', [{ task: 'stopped', exit: 0 }], 'Running'],
    ['Never, all exited 0', 'Never', [{ task: 'stopped', exit: 0 }, { task: 'none', exit: 0 }], 'Succeeded'],
    ['Never, one failed', 'Never', [{ task: 'stopped', exit: 0 }, { task: 'stopped', exit: 2 }], 'Failed'],
    ['Never, one still running', 'Never', [{ task: 'stopped', exit: 2 }, { task: 'running' }], 'Running'],
    ['Never, exit unknown', 'Never', [{ task: 'stopped', exit: null }], 'Failed'],
    ['OnFailure, exited 0', 'OnFailure', [{ task: 'stopped', exit: 0 }], 'Succeeded'],
    ['OnFailure, failed (will restart)', 'OnFailure', [{ task: 'stopped', exit: 1 }], 'Running'],
  ])('%s → %s', (_name, policy, containers, phase) => {
    expect(build(policy, containers).phase).toBe(phase);
  });

  it('sets the conditions, addresses and container states', () => {
    const s = build('Always', [{ task: 'running' }, { task: 'stopped', exit: 137, backoffUntil: t0 + 5000 }]);
    expect(s.hostIP).toBe('10.0.0.7');
    expect(s.podIP).toBe('10.0.0.7');
    expect(s.startTime).toBe(new Date(t0).toISOString());
    expect(s.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['PodScheduled', 'True'],
      ['Initialized', 'True'],
      ['ContainersReady', 'False'],
      ['Ready', 'False'],
    ]);
    expect(s.conditions?.[3]).toMatchObject({ reason: 'ContainersNotReady', message: 'containers with unready status: [c1]' });
    expect(s.containerStatuses?.[0]).toMatchObject({ ready: true, started: true, state: { running: { startedAt: new Date(t0 - 5000).toISOString() } } });
    expect(s.containerStatuses?.[1]).toMatchObject({
      ready: false,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 137, reason: 'Error', finishedAt: new Date(t0 - 1000).toISOString() } },
    });
  });

  it('Ready when every container runs; transition times stay put while nothing changes', () => {
    const first = build('Always', [{ task: 'running' }]);
    expect(first.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    const pod = testPod('p');
    const state = createRuntimeState();
    const rec = containerRecord(state, 'uid-p-c0');
    rec.running = true;
    rec.startedAt = t0;
    const actual = new Map([['uid-p-c0', { id: 'uid-p-c0', image: 'x', labels: {}, task: { status: 'running' as const } }]]);
    const a = buildPodStatus(pod, actual, state, t0, ctx);
    const b = buildPodStatus(pod, actual, state, t0 + 60_000, ctx, a);
    expect(b.conditions).toEqual(a.conditions);
    expect(b).toEqual(a);
  });

  it('reports an unknown exit code as -1 with reason Unknown', () => {
    const s = build('Never', [{ task: 'stopped', exit: null }]);
    expect(s.containerStatuses?.[0]?.state.terminated).toMatchObject({ exitCode: -1, reason: 'Unknown' });
  });
});
