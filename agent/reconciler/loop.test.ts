import { describe, it, expect, afterEach } from 'vitest';
import { containerLabels } from '../runtime/driver.js';
import { createFakeDriver } from '../runtime/fake/driver.js';
import { createReconciler, type PodStatusEntry } from './loop.js';
import type { PodRef } from './plan.js';
import { testLoopOptions, testPod } from './testing/pod-fixtures.js';

const busybox = 'docker.io/library/busybox:1.36';

const started: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((r) => r.stop()));
});

function setup(o: { images?: string[] } = {}) {
  let t = 1_700_000_000_000;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  const driver = createFakeDriver({ now: clock.now });
  for (const i of o.images ?? [busybox]) driver.images.add(i);
  const changes: PodStatusEntry[][] = [];
  const removed: PodRef[] = [];
  const logs: string[] = [];
  const r = createReconciler({
    ...testLoopOptions(driver, clock.now),
    log: (m) => logs.push(m),
    onStatusChange: (c) => changes.push(c),
    onPodRemoved: (p) => removed.push(p),
  });
  r.start();
  started.push(r);
  const status = (name: string) => r.statuses().find((s) => s.name === name)?.status;
  const reconcile = async (why = 'test') => {
    r.trigger(why);
    await r.idle();
  };
  return { clock, driver, r, changes, removed, logs, status, reconcile };
}

describe('reconciler loop', () => {
  it('creates containers for a new desired pod and reports it Running and Ready', async () => {
    const { driver, r, status, changes } = setup();
    r.setDesired([testPod('web', { containers: [{ name: 'main' }, { name: 'side' }] })]);
    await r.idle();
    expect([...driver.containers.keys()].sort()).toEqual(['uid-web-main', 'uid-web-side']);
    const c = driver.containers.get('uid-web-main')!;
    expect(c.spec.labels[containerLabels.node]).toBe('edge-1');
    expect(c.logPaths).toEqual(['/logs/default_web_uid-web/main/0.log']);
    const s = status('web')!;
    expect(s.phase).toBe('Running');
    expect(s.hostIP).toBe('192.168.1.5');
    expect(s.podIP).toBe('192.168.1.5');
    expect(s.conditions?.find((x) => x.type === 'Ready')?.status).toBe('True');
    expect(s.containerStatuses?.map((x) => [x.name, x.ready, x.containerID])).toEqual([
      ['main', true, 'containerd://uid-web-main'],
      ['side', true, 'containerd://uid-web-side'],
    ]);
    expect(changes.at(-1)?.[0]?.status.phase).toBe('Running');
  });

  it('reports only changes: an unchanged pod is not sent again', async () => {
    const { r, changes, reconcile } = setup();
    r.setDesired([testPod('web')]);
    await r.idle();
    const n = changes.length;
    await reconcile();
    await reconcile();
    expect(changes.length).toBe(n);
  });

  it('stops and removes containers of pods no longer desired, honouring the grace period', async () => {
    const { driver, r, removed } = setup();
    r.setDesired([testPod('web', { spec: { terminationGracePeriodSeconds: 7 } }), testPod('db')]);
    await r.idle();
    r.setDesired([testPod('db')]);
    await r.idle();
    expect([...driver.containers.keys()]).toEqual(['uid-db-c0']);
    expect(driver.calls).toContain('stop uid-web-c0 7');
    expect(driver.calls).toContain('remove uid-web-c0');
    expect(removed).toEqual([{ uid: 'uid-web', namespace: 'default', name: 'web' }]);
    expect(r.statuses().map((s) => s.name)).toEqual(['db']);
  });

  it('restarts a crashed container with a growing back-off, CrashLoopBackOff meanwhile, reset after 10 minutes of running', async () => {
    const { clock, driver, r, status, reconcile } = setup();
    r.setDesired([testPod('web')]);
    await r.idle();
    const restarts = () => driver.calls.filter((c) => c === 'restart uid-web-c0').length;

    const crashAndWait = async (expectedDelayS: number) => {
      driver.exit('uid-web-c0', 1);
      await r.idle();
      const s = status('web')!.containerStatuses![0]!;
      expect(s.state.waiting?.reason).toBe('CrashLoopBackOff');
      expect(s.state.waiting?.message).toBe(`back-off ${expectedDelayS}s restarting failed container=c0 pod=web`);
      expect(s.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
      const before = restarts();
      clock.advance(expectedDelayS * 1000 - 1);
      await reconcile();
      expect(restarts()).toBe(before);
      clock.advance(1);
      await reconcile();
      expect(restarts()).toBe(before + 1);
    };

    await crashAndWait(10);
    await crashAndWait(20);
    await crashAndWait(40);
    expect(status('web')!.containerStatuses![0]!.restartCount).toBe(3);
    expect(status('web')!.containerStatuses![0]!.state.running).toBeDefined();
    expect(driver.containers.get('uid-web-c0')!.logPaths.at(-1)).toBe('/logs/default_web_uid-web/c0/3.log');
    clock.advance(10 * 60_000);
    await crashAndWait(10);
  });

  it('caps the back-off at 5 minutes', async () => {
    const { clock, driver, r, reconcile, status } = setup();
    r.setDesired([testPod('web')]);
    await r.idle();
    for (let i = 0; i < 8; i++) {
      driver.exit('uid-web-c0', 2);
      await r.idle();
      clock.advance(300_000);
      await reconcile();
    }
    driver.exit('uid-web-c0', 2);
    await r.idle();
    expect(status('web')!.containerStatuses![0]!.state.waiting?.message).toMatch(/^back-off 300s/);
  });

  it('OnFailure: a clean exit completes the pod, a failure restarts it', async () => {
    const { clock, driver, r, status, reconcile } = setup();
    r.setDesired([testPod('job', { spec: { restartPolicy: 'OnFailure' } })]);
    await r.idle();
    driver.exit('uid-job-c0', 3);
    clock.advance(10_000);
    await reconcile();
    expect(driver.calls).toContain('restart uid-job-c0');
    driver.exit('uid-job-c0', 0);
    clock.advance(60_000);
    await reconcile();
    expect(driver.calls.filter((c) => c.startsWith('restart'))).toHaveLength(1);
    const s = status('job')!;
    expect(s.phase).toBe('Succeeded');
    expect(s.containerStatuses![0]!.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(s.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });

  it('Never: a failed container stays down and the pod is Failed', async () => {
    const { clock, driver, r, status, reconcile } = setup();
    r.setDesired([testPod('once', { spec: { restartPolicy: 'Never' } })]);
    await r.idle();
    driver.exit('uid-once-c0', 1);
    clock.advance(60_000);
    await reconcile();
    expect(driver.calls.filter((c) => c.startsWith('restart'))).toHaveLength(0);
    expect(status('once')!.phase).toBe('Failed');
    expect(driver.containers.has('uid-once-c0')).toBe(true);
  });

  it('image missing: ErrImagePull, then ImagePullBackOff, then runs once the image is imported', async () => {
    const { clock, driver, r, status, reconcile } = setup({ images: [] });
    driver.registry = new Set();
    r.setDesired([testPod('web', { containers: [{ image: 'app:1' }] })]);
    await r.idle();
    const waiting = () => status('web')!.containerStatuses![0]!.state.waiting;
    expect(driver.calls).toEqual(['pull docker.io/library/app:1']);
    expect(waiting()?.reason).toBe('ErrImagePull');
    expect(waiting()?.message).toMatch(/pulling docker\.io\/library\/app:1: pull docker\.io\/library\/app:1: not found/);
    expect(status('web')!.phase).toBe('Pending');
    await reconcile();
    expect(driver.calls).toHaveLength(1); // back-off
    clock.advance(10_000);
    await reconcile();
    expect(driver.calls).toHaveLength(2);
    expect(waiting()?.reason).toBe('ImagePullBackOff');
    driver.images.add('docker.io/library/app:1'); // as the image importer would
    await reconcile('image imported');
    expect(driver.calls.at(-1)).toBe('create uid-web-c0');
    expect(status('web')!.phase).toBe('Running');
  });

  it('pulls a missing image and then creates the container', async () => {
    const { driver, r, status } = setup({ images: [] });
    r.setDesired([testPod('web')]);
    await r.idle();
    expect(driver.calls).toEqual([`pull ${busybox}`, 'create uid-web-c0']);
    expect(status('web')!.phase).toBe('Running');
  });

  it('imagePullPolicy Never: waits for an import without pulling', async () => {
    const { driver, r, status, reconcile } = setup({ images: [] });
    r.setDesired([testPod('web', { containers: [{ image: 'app:1', imagePullPolicy: 'Never' }] })]);
    await r.idle();
    expect(driver.calls).toEqual([]);
    expect(status('web')!.containerStatuses![0]!.state.waiting?.reason).toBe('ErrImageNeverPull');
    driver.images.add('docker.io/library/app:1');
    await reconcile();
    expect(driver.calls).toEqual(['create uid-web-c0']);
  });

  it('never touches containers that belong to another node', async () => {
    const { driver, r, reconcile } = setup();
    driver.adopt({ id: 'other-c0', image: busybox, env: {}, logPath: '/x', labels: { [containerLabels.node]: 'edge-2', [containerLabels.podUid]: 'other' } }, 'stopped');
    r.setDesired([]);
    await reconcile();
    expect(driver.calls).toEqual([]);
    expect(driver.containers.get('other-c0')!.task?.status).toBe('stopped');
  });

  it('after an agent restart: adopts running containers, restarts stopped ones at once, reports the unknown exit honestly', async () => {
    const { driver, r, status } = setup();
    const pod = testPod('web', { containers: [{ name: 'a' }, { name: 'b' }] });
    pod.status = { startTime: '2023-01-01T00:00:00.000Z', containerStatuses: [{ name: 'a', image: 'busybox:1.36', ready: true, restartCount: 4, state: { running: { startedAt: '2023-01-01T00:00:01.000Z' } } }] };
    const labels = (c: string) => ({ [containerLabels.node]: 'edge-1', [containerLabels.podUid]: 'uid-web', [containerLabels.container]: c });
    driver.adopt({ id: 'uid-web-a', image: busybox, env: {}, logPath: '/x', labels: labels('a') }, 'running');
    driver.adopt({ id: 'uid-web-b', image: busybox, env: {}, logPath: '/x', labels: labels('b') }, 'stopped');
    r.setDesired([pod]);
    await r.idle();
    expect(driver.calls).toEqual(['restart uid-web-b']);
    const s = status('web')!;
    expect(s.startTime).toBe('2023-01-01T00:00:00.000Z');
    expect(s.containerStatuses![0]).toMatchObject({ restartCount: 4, state: { running: { startedAt: '2023-01-01T00:00:01.000Z' } } });
    expect(s.containerStatuses![1]!.lastState?.terminated).toMatchObject({ exitCode: -1, reason: 'Unknown' });
  });

  it('removes nothing until a desired state is known (cache or server)', async () => {
    const { driver, r, reconcile } = setup();
    driver.adopt({ id: 'uid-web-c0', image: busybox, env: {}, logPath: '/x', labels: { [containerLabels.node]: 'edge-1', [containerLabels.podUid]: 'uid-web' } });
    await reconcile();
    expect(driver.calls).toEqual([]);
    expect(r.statuses()).toEqual([]);
    r.setDesired([]);
    await r.idle();
    expect(driver.calls).toEqual(['stop uid-web-c0 30', 'remove uid-web-c0']);
  });

  it('replaces a container when the pod asks for another image', async () => {
    const { driver, r } = setup({ images: [busybox, 'docker.io/library/busybox:1.37'] });
    r.setDesired([testPod('web')]);
    await r.idle();
    r.setDesired([testPod('web', { containers: [{ image: 'busybox:1.37' }] })]);
    await r.idle();
    expect(driver.containers.get('uid-web-c0')!.spec.image).toBe('docker.io/library/busybox:1.37');
    expect(driver.calls).toEqual(['create uid-web-c0', 'stop uid-web-c0 30', 'remove uid-web-c0', 'create uid-web-c0']);
  });

  it('an invalid image name fails only its own pod, with reason InvalidImageName, and is not retried at once', async () => {
    const { driver, r, status, reconcile, logs } = setup();
    r.setDesired([testPod('bad', { containers: [{ image: 'BusyBox' }] }), testPod('good')]);
    await r.idle();
    expect(driver.calls).toEqual(['create uid-good-c0']);
    expect(status('bad')!.containerStatuses![0]!.state.waiting).toMatchObject({ reason: 'InvalidImageName', message: expect.stringMatching(/lowercase/) });
    expect(status('bad')!.phase).toBe('Pending');
    const n = logs.length;
    await reconcile();
    expect(logs.length).toBe(n);
  });

  it('reports a failed create and retries it with back-off', async () => {
    const { clock, driver, r, status, reconcile } = setup();
    driver.failNext('create', 'snapshotter says no');
    r.setDesired([testPod('web')]);
    await r.idle();
    expect(status('web')!.containerStatuses![0]!.state.waiting).toEqual({ reason: 'CreateContainerError', message: 'snapshotter says no' });
    await reconcile();
    expect(driver.calls.filter((c) => c.startsWith('create'))).toHaveLength(1);
    clock.advance(10_000);
    await reconcile();
    expect(status('web')!.phase).toBe('Running');
  });

  it('coalesces triggers: one reconcile at a time', async () => {
    const { driver, r } = setup();
    let lists = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const list = driver.list.bind(driver);
    driver.list = async (l) => {
      lists++;
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await new Promise((res) => setTimeout(res, 5));
      concurrent--;
      return list(l);
    };
    r.setDesired([]);
    for (let i = 0; i < 10; i++) r.trigger('burst');
    await r.idle();
    expect(maxConcurrent).toBe(1);
    expect(lists).toBeLessThanOrEqual(2);
  });

  it('reconciles on exits once started, and stop() leaves containers running', async () => {
    const { clock, driver, r } = setup();
    r.setDesired([testPod('web', { spec: { restartPolicy: 'Always' } })]);
    await r.idle();
    clock.advance(10_000); // the back-off will have passed by the time the exit is handled
    driver.exit('uid-web-c0', 1);
    await r.idle();
    // the exit is recorded at the current time, so the restart waits for the next trigger after 10 s
    clock.advance(10_000);
    r.trigger('test');
    await r.idle();
    expect(driver.calls).toContain('restart uid-web-c0');
    await r.stop();
    expect(driver.containers.get('uid-web-c0')!.task?.status).toBe('running');
    expect(driver.calls.some((c) => c.startsWith('stop'))).toBe(false);
  });
});
