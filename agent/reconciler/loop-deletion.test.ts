/** Pods being deleted: the reconciler stops them within their grace period, on the fake driver and a fake clock. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Pod, PodStatus } from '../../shared/pod.js';
import type { PodEvent } from '../events/types.js';
import { createFakeTimers } from '../probes/testing/fake-timers.js';
import { createFakeDriver } from '../runtime/fake/driver.js';
import { createReconciler, type PodStatusEntry } from './loop.js';
import { testLoopOptions, testPod } from './testing/pod-fixtures.js';

const busybox = 'docker.io/library/busybox:1.36';
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

function setup() {
  const timers = createFakeTimers();
  const driver = createFakeDriver({ now: timers.now, setTimer: timers.deps.setTimer });
  driver.images.add(busybox);
  const events: PodEvent[] = [];
  const reports: PodStatusEntry[] = [];
  const r = createReconciler({
    ...testLoopOptions(driver, timers.now),
    timers: timers.deps,
    events: { emit: (e) => events.push(e) },
    onStatusChange: (changed) => reports.push(...changed),
  });
  r.start();
  stops.push(() => r.stop());
  const status = (name: string): PodStatus | undefined => r.statuses().find((s) => s.name === name)?.status;
  const lastReport = (name: string) => reports.filter((p) => p.name === name).at(-1)?.status;
  return { timers, driver, r, events, status, lastReport, t0: timers.now() };
}

/** The pod as the server sends it once deleted: deletionTimestamp (when its grace ends) and the grace period. */
function deleting(pod: Pod, graceSeconds: number, at: number): Pod {
  return { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date(at + graceSeconds * 1000).toISOString(), deletionGracePeriodSeconds: graceSeconds } };
}

describe('reconciler: pods being deleted', () => {
  it('sends SIGTERM at once and lets a process that needs 6 s of its 30 s exit; the pod turns Succeeded and nothing restarts', async () => {
    const { timers, driver, r, events, status, lastReport, t0 } = setup();
    const pod = testPod('web', { spec: { terminationGracePeriodSeconds: 30 } });
    r.setDesired([pod]);
    await r.idle();
    expect(status('web')?.containerStatuses?.[0]?.state.running).toBeDefined();

    driver.sigterm.set('uid-web-c0', 6000);
    r.setDesired([deleting(pod, 30, t0)]);
    await timers.advance(0);
    expect(driver.calls).toContain('stop uid-web-c0 30');
    expect(driver.signals).toEqual([{ id: 'uid-web-c0', signal: 'SIGTERM', at: t0 }]);
    expect(events.map((e) => e.reason)).toContain('Killing');
    // Still stopping: running, and not reported stopped.
    await timers.advance(5_999);
    expect(driver.containers.get('uid-web-c0')!.task?.status).toBe('running');
    expect(lastReport('web')?.containerStatuses?.[0]?.state.running).toBeDefined();

    await timers.advance(1);
    await r.idle();
    expect(driver.signals.map((s) => s.signal)).toEqual(['SIGTERM']);
    const stopped = status('web')!;
    expect(stopped.phase).toBe('Succeeded');
    expect(stopped.containerStatuses?.[0]?.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(lastReport('web')).toEqual(stopped);
    // Kept (for logs) until the server lets the pod go; never restarted, though restartPolicy is Always.
    await timers.advance(60_000);
    await r.idle();
    expect(driver.containers.has('uid-web-c0')).toBe(true);
    expect(driver.calls.filter((c) => c.startsWith('restart') || c.startsWith('remove'))).toEqual([]);

    r.setDesired([]);
    await r.idle();
    expect(driver.containers.has('uid-web-c0')).toBe(false);
  });

  it('sends SIGKILL at the deadline to a process that ignores SIGTERM: the deletion\'s grace period wins over the spec\'s', async () => {
    const { timers, driver, r, status, t0 } = setup();
    const pod = testPod('stubborn', { spec: { terminationGracePeriodSeconds: 30 } });
    r.setDesired([pod]);
    await r.idle();
    driver.sigterm.set('uid-stubborn-c0', 'ignore');
    r.setDesired([deleting(pod, 5, t0)]);
    await timers.advance(4_999);
    expect(driver.signals.map((s) => s.signal)).toEqual(['SIGTERM']);
    await timers.advance(1);
    await r.idle();
    expect(driver.signals).toEqual([
      { id: 'uid-stubborn-c0', signal: 'SIGTERM', at: t0 },
      { id: 'uid-stubborn-c0', signal: 'SIGKILL', at: t0 + 5_000 },
    ]);
    expect(status('stubborn')).toMatchObject({ phase: 'Failed', containerStatuses: [{ state: { terminated: { exitCode: 137 } } }] });
  });

  it('a second delete with a shorter grace period cuts a stop in flight short; a repeated one changes nothing', async () => {
    const { timers, driver, r, t0 } = setup();
    const pod = testPod('web', { containers: [{ name: 'a' }, { name: 'b' }] });
    r.setDesired([pod]);
    await r.idle();
    driver.sigterm.set('uid-web-a', 'ignore');
    r.setDesired([deleting(pod, 20, t0)]);
    await timers.advance(5_000);
    r.setDesired([deleting(pod, 20, t0)]);
    await timers.advance(0);
    expect(driver.calls.filter((c) => c.startsWith('stop'))).toEqual(['stop uid-web-a 20', 'stop uid-web-b 20']);
    // The server moves the deadline to 2 s from now: a is stopped again, with what is left.
    r.setDesired([deleting(pod, 2, t0 + 5_000)]);
    await timers.advance(2_000);
    expect(driver.calls.filter((c) => c.startsWith('stop'))).toEqual(['stop uid-web-a 20', 'stop uid-web-b 20', 'stop uid-web-a 2']);
    expect(driver.signals).toEqual([
      { id: 'uid-web-a', signal: 'SIGTERM', at: t0 },
      { id: 'uid-web-a', signal: 'SIGTERM', at: t0 + 5_000 },
      { id: 'uid-web-a', signal: 'SIGKILL', at: t0 + 7_000 },
    ]);
    await timers.advance(20_000);
    await r.idle();
    expect(driver.signals).toHaveLength(3);
    expect(r.statuses()[0]!.status.phase).toBe('Failed');
  });

  it('a pod that never started (its image cannot be pulled) is reported Failed at once and pulls no more; a crashed container is not restarted', async () => {
    const { timers, driver, r, status, t0 } = setup();
    driver.registry = new Set();
    const stuck = testPod('stuck', { containers: [{ image: 'nowhere/app:1' }] });
    const crashing = testPod('crashing');
    r.setDesired([stuck, crashing]);
    await r.idle();
    expect(status('stuck')?.phase).toBe('Pending');
    driver.exit('uid-crashing-c0', 1);
    await r.idle();
    expect(status('crashing')?.containerStatuses?.[0]?.state.waiting?.reason).toBe('CrashLoopBackOff');

    const pulls = driver.calls.filter((c) => c.startsWith('pull')).length;
    r.setDesired([deleting(stuck, 30, t0), deleting(crashing, 30, t0)]);
    await r.idle();
    expect(status('stuck')).toMatchObject({ phase: 'Failed', containerStatuses: [{ state: { waiting: {} } }] });
    expect(status('crashing')).toMatchObject({ phase: 'Failed', containerStatuses: [{ state: { terminated: { exitCode: 1 } } }] });
    await timers.advance(600_000);
    await r.idle();
    expect(driver.calls.filter((c) => c.startsWith('pull'))).toHaveLength(pulls);
    expect(driver.calls.filter((c) => c.startsWith('restart') || c.startsWith('stop'))).toEqual([]);
  });
});
