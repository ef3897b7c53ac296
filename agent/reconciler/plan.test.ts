import { describe, it, expect } from 'vitest';
import { containerLabels, type ContainerInfo } from '../runtime/driver.js';
import { observe } from './observe.js';
import { plan } from './plan.js';
import { createRuntimeState, containerRecord, recordExit } from './state.js';
import { testPod, testSpecContext } from './testing/pod-fixtures.js';

const ctx = testSpecContext('edge-1');
const t0 = 1_700_000_000_000;

function info(id: string, o: { node?: string; uid?: string; image?: string; status?: 'running' | 'stopped' | 'created' | null } = {}): ContainerInfo {
  return {
    id,
    image: o.image ?? 'docker.io/library/busybox:1.36',
    labels: { [containerLabels.node]: o.node ?? 'edge-1', [containerLabels.podUid]: o.uid ?? 'uid-x', [containerLabels.podName]: 'x', [containerLabels.podNamespace]: 'default' },
    task: o.status === null ? null : { status: o.status ?? 'running' },
  };
}

describe('plan', () => {
  it('creates a container for a new pod whose image is present, with labels, limits and log path', () => {
    const state = createRuntimeState();
    state.present.add('docker.io/library/busybox:1.36');
    const pod = testPod('web', {
      containers: [{ name: 'main', command: ['sh'], args: ['-c', 'sleep 1'], env: [{ name: 'A', value: '1' }, { name: 'B' }], resources: { limits: { memory: '64Mi', cpu: '250m' } } }],
    });
    const actions = plan([pod], [], state, t0, ctx);
    expect(actions).toEqual([
      {
        type: 'create',
        pod: { namespace: 'default', name: 'web', uid: 'uid-web' },
        spec: {
          id: 'uid-web-main',
          image: 'docker.io/library/busybox:1.36',
          command: ['sh'],
          args: ['-c', 'sleep 1'],
          env: { A: '1', B: '' },
          labels: {
            [containerLabels.node]: 'edge-1',
            [containerLabels.podName]: 'web',
            [containerLabels.podNamespace]: 'default',
            [containerLabels.podUid]: 'uid-web',
            [containerLabels.container]: 'main',
          },
          logPath: '/logs/default_web_uid-web/main/0.log',
          memoryLimitBytes: 64 * 2 ** 20,
          cpuLimitMillis: 250,
        },
      },
    ]);
  });

  it('pulls a missing image once even when several containers need it', () => {
    const state = createRuntimeState();
    const pods = [testPod('a'), testPod('b')];
    expect(plan(pods, [], state, t0, ctx)).toEqual([
      {
        type: 'pull',
        image: 'docker.io/library/busybox:1.36',
        for: [
          { pod: { namespace: 'default', name: 'a', uid: 'uid-a' }, container: 'c0' },
          { pod: { namespace: 'default', name: 'b', uid: 'uid-b' }, container: 'c0' },
        ],
      },
    ]);
  });

  it('does not pull while a pull runs or during the pull back-off, and never with imagePullPolicy Never', () => {
    const state = createRuntimeState();
    state.images.set('docker.io/library/busybox:1.36', { pulling: false, attempted: true, failures: 1, retryAt: t0 + 10_000, backoffMs: 10_000 });
    expect(plan([testPod('a')], [], state, t0 + 9_999, ctx)).toEqual([]);
    expect(plan([testPod('a')], [], state, t0 + 10_000, ctx)).toMatchObject([{ type: 'pull', image: 'docker.io/library/busybox:1.36' }]);
    state.images.get('docker.io/library/busybox:1.36')!.pulling = true;
    expect(plan([testPod('a')], [], state, t0 + 20_000, ctx)).toEqual([]);
    expect(plan([testPod('n', { containers: [{ imagePullPolicy: 'Never', image: 'app:1' }] })], [], createRuntimeState(), t0, ctx)).toEqual([]);
  });

  it('pulls :latest images once per run (policy Always) but still starts from a local copy when that pull fails', () => {
    const state = createRuntimeState();
    state.present.add('docker.io/library/app:latest');
    const pod = testPod('a', { containers: [{ image: 'app:latest' }] });
    expect(plan([pod], [], state, t0, ctx)).toMatchObject([{ type: 'pull', image: 'docker.io/library/app:latest' }]);
    state.images.set('docker.io/library/app:latest', { pulling: false, attempted: true, failures: 1, retryAt: t0 + 10_000, backoffMs: 10_000 });
    expect(plan([pod], [], state, t0, ctx).map((a) => a.type)).toEqual(['create']);
  });

  it('leaves running containers alone and removes ones no longer desired with the pod grace period', () => {
    const state = createRuntimeState();
    state.pods.set('uid-old', { namespace: 'default', name: 'old', startTime: t0, graceSeconds: 5 });
    const actual = [info('uid-web-c0', { uid: 'uid-web' }), info('uid-old-c0', { uid: 'uid-old' })];
    expect(plan([testPod('web')], actual, state, t0, ctx)).toEqual([
      { type: 'remove', id: 'uid-old-c0', graceSeconds: 5, pod: { uid: 'uid-old', namespace: 'default', name: 'x' }, container: 'uid-old-c0', why: 'not desired' },
    ]);
  });

  it('a container whose pod this agent no longer knows (it restarted) gets the grace period it was labelled with', () => {
    const state = createRuntimeState();
    const labelled = info('uid-gone-c0', { uid: 'uid-gone' });
    labelled.labels[containerLabels.graceSeconds] = '1';
    const bad = info('uid-bad-c0', { uid: 'uid-bad' });
    bad.labels[containerLabels.graceSeconds] = '-3';
    expect(plan([], [labelled, bad, info('uid-old-c0', { uid: 'uid-old' })], state, t0, ctx).map((a) => 'graceSeconds' in a && a.graceSeconds)).toEqual([1, 30, 30]);
    // Created with the pod's own period, when it sets one.
    state.present.add('docker.io/library/busybox:1.36');
    const create = plan([testPod('web', { spec: { terminationGracePeriodSeconds: 7 } })], [], state, t0, ctx)[0] as Extract<ReturnType<typeof plan>[number], { type: 'create' }>;
    expect(create.spec.labels[containerLabels.graceSeconds]).toBe('7');
  });

  it('never touches containers of another node', () => {
    const state = createRuntimeState();
    const actual = [info('uid-other-c0', { node: 'edge-2', uid: 'uid-other', status: 'stopped' })];
    expect(plan([], actual, state, t0, ctx)).toEqual([]);
  });

  it('skips containers with an operation in flight', () => {
    const state = createRuntimeState();
    state.busy.add('uid-old-c0');
    expect(plan([], [info('uid-old-c0')], state, t0, ctx)).toEqual([]);
  });

  it('replaces a container whose image changed', () => {
    const state = createRuntimeState();
    const pod = testPod('web', { containers: [{ image: 'busybox:1.37' }], spec: { terminationGracePeriodSeconds: 3 } });
    expect(plan([pod], [info('uid-web-c0', { uid: 'uid-web' })], state, t0, ctx)).toEqual([
      { type: 'remove', id: 'uid-web-c0', graceSeconds: 3, pod: { namespace: 'default', name: 'web', uid: 'uid-web' }, container: 'c0', why: 'image changed' },
    ]);
  });

  it.each([
    ['Always', 0, true],
    ['Always', 1, true],
    ['OnFailure', 0, false],
    ['OnFailure', 2, true],
    ['Never', 0, false],
    ['Never', 1, false],
  ] as const)('restartPolicy %s, exit %i → restart %s (after the back-off)', (policy, code, restarts) => {
    const state = createRuntimeState();
    const rec = containerRecord(state, 'uid-web-c0');
    rec.running = true;
    rec.startedAt = t0;
    recordExit(state, { id: 'uid-web-c0', exitCode: code, exitedAt: new Date(t0 + 1000).toISOString() }, t0 + 1000);
    const pod = testPod('web', { spec: { restartPolicy: policy } });
    const actual = [info('uid-web-c0', { uid: 'uid-web', status: 'stopped' })];
    expect(plan([pod], actual, state, t0 + 1000, ctx)).toEqual([]);
    const later = plan([pod], actual, state, t0 + 11_000, ctx);
    const pod_ = { namespace: 'default', name: 'web', uid: 'uid-web' };
    expect(later).toEqual(restarts ? [{ type: 'restart', id: 'uid-web-c0', logPath: '/logs/default_web_uid-web/c0/1.log', pod: pod_, container: 'c0' }] : []);
  });

  it('starts a created-but-never-started task at once', () => {
    const state = createRuntimeState();
    const actual = [info('uid-web-c0', { uid: 'uid-web', status: 'created' })];
    expect(plan([testPod('web')], actual, state, t0, ctx).map((a) => a.type)).toEqual(['restart']);
  });

  it('rejects a container whose limits cannot be given to the runtime, naming the field', () => {
    const state = createRuntimeState();
    state.present.add('docker.io/library/busybox:1.36');
    const pod = testPod('web', { containers: [{ resources: { limits: { memory: 'lots' } } }] });
    const [a] = plan([pod], [], state, t0, ctx);
    expect(a).toMatchObject({ type: 'reject', id: 'uid-web-c0', reason: 'CreateContainerConfigError' });
    expect((a as { message: string }).message).toMatch(/spec\.containers\[0\]\.resources\.limits\.memory/);
  });
});

describe('plan: pods being deleted', () => {
  const going = (grace: number, at: number) => {
    const pod = testPod('web', { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
    return { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date(at + grace * 1000).toISOString(), deletionGracePeriodSeconds: grace } };
  };
  const ids = (actions: ReturnType<typeof plan>) => actions.map((a) => `${a.type} ${'id' in a ? a.id : ''} ${'graceSeconds' in a ? a.graceSeconds : ''}`.trim());

  it('counts the grace period from the first sight: stops what runs with what is left, starts and removes nothing', () => {
    const state = createRuntimeState();
    state.present.add('docker.io/library/busybox:1.36');
    const actual = [info('uid-web-a', { uid: 'uid-web' }), info('uid-web-b', { uid: 'uid-web', status: 'stopped' })];
    observe(state, [going(30, t0)], actual, t0, 'edge-1');
    observe(state, [going(30, t0)], actual, t0 + 10_500, 'edge-1');
    expect(state.pods.get('uid-web')?.stopBy).toBe(t0 + 30_000);
    // c was never created: nothing is made for it; b stopped already; a gets the 19.5 s left, rounded up.
    expect(ids(plan([going(30, t0)], actual, state, t0 + 10_500, ctx))).toEqual(['stop uid-web-a 20']);
    // A shorter period given later wins.
    observe(state, [going(2, t0 + 12_000)], actual, t0 + 12_000, 'edge-1');
    expect(state.pods.get('uid-web')?.stopBy).toBe(t0 + 14_000);
  });

  it('leaves a container it is already stopping alone, unless the deadline moved earlier', () => {
    const state = createRuntimeState();
    const actual = [info('uid-web-a', { uid: 'uid-web' })];
    observe(state, [going(30, t0)], actual, t0, 'edge-1');
    state.busy.add('uid-web-a');
    state.killAt.set('uid-web-a', t0 + 30_000);
    expect(plan([going(30, t0)], actual, state, t0 + 1_000, ctx)).toEqual([]);
    observe(state, [going(0, t0 + 1_000)], actual, t0 + 1_000, 'edge-1');
    expect(ids(plan([going(0, t0 + 1_000)], actual, state, t0 + 1_000, ctx))).toEqual(['stop uid-web-a 0']);
  });
});
