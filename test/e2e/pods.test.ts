/**
 * Pods on the agent against real containerd: crash-loop back-off, probes, ConfigMaps and Secrets
 * as env and files, limits, events. Every pod starts at once in beforeAll, so the file takes about
 * as long as its slowest case (the crash loop, ~35 s), not their sum.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KEvent } from '../../shared/event.js';
import type { KObject } from '../../shared/meta.js';
import type { Container, Pod, PodSpec } from '../../shared/pod.js';
import { ctr, e2eSkipReason, startCluster, waitFor, type Cluster, withTestImages } from './cluster.js';

const skip = e2eSkipReason();
const plaintext = 'p4ss-w0rd-e2e';

function pod(name: string, containers: Partial<Container>[], spec: Partial<PodSpec> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: containers.map((c, i) => ({ name: c.name ?? `c${i}`, image: 'busybox:test', ...c })),
      ...spec,
    },
  };
}

const sleepForever = ['sh', '-c', 'while true; do sleep 1; done'];

describe.skipIf(skip !== null)(`pods on real containerd${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let c: Cluster;
  /** Wall-clock times at which the crashing pod was seen crashed / restarted, by restart count. */
  const crashSeen: { firstCrash?: number; restarts: Map<number, number> } = { restarts: new Map() };
  let watching = true;

  const get = (name: string) => c.client.get<Pod>('Pod', 'default', name);
  const containerOf = async (name: string, container = 'c0') => `${(await get(name)).metadata.uid}-${container}`;
  let execs = 0;
  /** Runs a command in a pod's container through ctr, as a probe would. */
  const exec = async (name: string, script: string) => ctr(c.containerdAddress, ['task', 'exec', '--exec-id', `e2e-${++execs}`, '--', await containerOf(name), 'sh', '-c', script]);
  const running = (name: string) =>
    waitFor(`pod ${name} Running`, async () => {
      const p = await get(name);
      return p.status?.phase === 'Running' && p.status.containerStatuses?.every((s) => s.state.running) ? p : undefined;
    }, 60_000).catch((e) => {
      throw new Error(`${(e as Error).message}\n${c.server.output().slice(-3000)}`);
    });

  beforeAll(async () => {
    c = await startCluster({
      prepareAgentDir: withTestImages(),
    });
    await waitFor('node server-0', () => c.client.get('Node', undefined, 'server-0').then(() => true, () => false), 60_000);
    const create = (o: KObject) => c.client.create(o);
    await create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' }, stringData: { password: plaintext } } as KObject);
    await create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { MODE: 'fast', 'app.conf': 'level=3\n' } } as KObject);

    await create(pod('crash', [{ command: ['sh', '-c', 'echo crashing; exit 3'] }]));
    await create(
      pod('config', [{
        command: sleepForever,
        env: [
          { name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        ],
        envFrom: [{ configMapRef: { name: 'cfg' } }],
        volumeMounts: [
          { name: 'creds', mountPath: '/etc/creds' },
          { name: 'cfg', mountPath: '/etc/app' },
          { name: 'scratch', mountPath: '/scratch' },
          { name: 'scratch', mountPath: '/ro-scratch', readOnly: true },
        ],
        resources: { limits: { memory: '64Mi', cpu: '500m' } },
      }], {
        volumes: [
          { name: 'creds', secret: { secretName: 'db', defaultMode: 0o400 } },
          { name: 'cfg', configMap: { name: 'cfg' } },
          { name: 'scratch', emptyDir: {} },
        ],
      }),
    );
    await create(pod('ready', [{ command: sleepForever, readinessProbe: { exec: { command: ['sh', '-c', 'test -f /tmp/ready'] }, periodSeconds: 1 } }]));
    // Healthy for 3 s, then its liveness probe fails twice in a row.
    await create(
      pod('live', [{
        command: ['sh', '-c', 'echo ok > /tmp/alive; sleep 3; echo bad > /tmp/alive; while true; do sleep 1; done'],
        livenessProbe: { exec: { command: ['sh', '-c', 'read x < /tmp/alive; [ "$x" = ok ]'] }, periodSeconds: 1, failureThreshold: 2 },
      }]),
    );
    await create(pod('late', [{ command: sleepForever, env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'late', key: 'token' } } }] }]));

    // Watch the crashing pod from the start: the gaps between restarts are the point.
    void (async () => {
      while (watching) {
        const p = await get('crash').catch(() => undefined);
        const s = p?.status?.containerStatuses?.[0];
        const now = Date.now();
        if (s && crashSeen.firstCrash === undefined && (s.lastState?.terminated || s.state.terminated || s.state.waiting?.reason === 'CrashLoopBackOff')) crashSeen.firstCrash = now;
        if (s && s.restartCount > 0 && !crashSeen.restarts.has(s.restartCount)) crashSeen.restarts.set(s.restartCount, now);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
  });

  afterAll(async () => {
    watching = false;
    if (!c) return;
    // The agent stops its containerd on exit; pods go first, so no container outlives the test.
    for (const p of (await c.client.list<Pod>('Pod', { namespace: 'default' }).catch(() => ({ items: [] as Pod[] }))).items) {
      await c.client.delete('Pod', 'default', p.metadata.name!).catch(() => undefined);
    }
    await waitFor('every container removed', () => ctr(c.containerdAddress, ['containers', 'ls', '-q']).trim() === '', 30_000).catch((e) => console.error((e as Error).message));
    await c.stop();
  });

  it('a Secret and a ConfigMap reach the container as env and as files; volume mounts honour readOnly', async () => {
    await running('config');
    const out = await exec('config', 'echo "$PW|$MODE|$POD|$NODE"; cat /etc/creds/password; echo; cat /etc/app/app.conf; ls -lL /etc/creds/password');
    const lines = out.split('\n');
    expect(lines[0]).toBe(`${plaintext}|fast|config|server-0`);
    expect(lines[1]).toBe(plaintext);
    expect(lines[2]).toBe('level=3');
    expect(lines[3]).toMatch(/^-r--------/);
    await exec('config', 'echo hi > /scratch/f && cat /ro-scratch/f');
    await expect(exec('config', 'echo x > /ro-scratch/g')).rejects.toThrow(/Read-only file system/);
    await expect(exec('config', 'echo x > /etc/creds/new')).rejects.toThrow(/Read-only file system/);
  });

  it('the Secret is encrypted at rest: the SQLite files hold neither its value nor its base64', () => {
    const dbDir = join(c.serverDataDir, 'db');
    const b64 = Buffer.from(plaintext).toString('base64');
    const files = readdirSync(dbDir);
    expect(files).toContain('state.db');
    for (const f of files) {
      const bytes = readFileSync(join(dbDir, f));
      expect(bytes.includes(plaintext), f).toBe(false);
      expect(bytes.includes(b64), f).toBe(false);
    }
  });

  it('resources.limits reach the container cgroup (memory and cpu)', async () => {
    await running('config');
    const mem = await exec('config', 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max');
    expect(mem.trim()).toBe(String(64 * 1024 * 1024));
    const cpu = await exec('config', 'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cat /sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us 2>/dev/null || cat /sys/fs/cgroup/cpu.max');
    expect(cpu.trim()).toMatch(/^50000( 100000)?$/);
  });

  it('a readiness probe keeps the pod not Ready until the file it tests appears', async () => {
    await running('ready');
    // Several probe periods pass without the file: still not Ready.
    await new Promise((r) => setTimeout(r, 3000));
    let p = await get('ready');
    expect(p.status?.containerStatuses?.[0]?.ready).toBe(false);
    expect(p.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('False');
    expect(p.status?.conditions?.find((x) => x.type === 'ContainersReady')?.status).toBe('False');
    await exec('ready', 'echo > /tmp/ready');
    p = await waitFor('pod ready Ready', async () => {
      const q = await get('ready');
      return q.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True' ? q : undefined;
    }, 15_000);
    expect(p.status?.containerStatuses?.[0]?.ready).toBe(true);
    expect(p.status?.containerStatuses?.[0]?.restartCount).toBe(0);
  });

  it('a failing liveness probe restarts the container, saying why in lastState and in Events', async () => {
    const p = await waitFor('pod live restarted by its liveness probe', async () => {
      const q = await get('live');
      const s = q.status?.containerStatuses?.[0];
      return s && s.restartCount >= 1 && s.state.running ? q : undefined;
    }, 45_000);
    const s = p.status!.containerStatuses![0]!;
    expect(s.lastState?.terminated?.message).toBe('Container c0 failed liveness probe, will be restarted');
    expect(s.lastState?.terminated?.exitCode).toBeGreaterThan(128); // killed by a signal
    const events = await waitFor('Unhealthy and Killing events', async () => {
      const list = (await c.client.list<KEvent>('Event', { namespace: 'default' })).items.filter((e) => e.involvedObject.name === 'live');
      return list.some((e) => e.reason === 'Unhealthy') && list.some((e) => e.reason === 'Killing') ? list : undefined;
    }, 15_000);
    expect(events.find((e) => e.reason === 'Unhealthy')?.message).toMatch(/^Liveness probe failed/);
    expect(events.find((e) => e.reason === 'Killing')).toMatchObject({ type: 'Normal', message: 'Container c0 failed liveness probe, will be restarted' });
  });

  it('a missing Secret is CreateContainerConfigError naming it, and the pod starts once it exists', async () => {
    const p = await waitFor('pod late waiting', async () => {
      const q = await get('late');
      return q.status?.containerStatuses?.[0]?.state.waiting?.reason === 'CreateContainerConfigError' ? q : undefined;
    }, 30_000);
    expect(p.status!.containerStatuses![0]!.state.waiting!.message).toBe('secret "late" not found');
    await c.client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'late', namespace: 'default' }, stringData: { token: 't' } } as KObject);
    await running('late');
    expect((await exec('late', 'echo $T')).trim()).toBe('t');
  });

  it('a crashing container reaches CrashLoopBackOff with growing delays between restarts', async () => {
    const p = await waitFor('two restarts of pod crash', async () => (crashSeen.restarts.has(2) ? get('crash') : undefined), 60_000);
    const s = p.status!.containerStatuses![0]!;
    expect(s.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(p.status?.phase).toBe('Running');
    const first = crashSeen.restarts.get(1)! - crashSeen.firstCrash!;
    const second = crashSeen.restarts.get(2)! - crashSeen.restarts.get(1)!;
    // 10 s then 20 s (the container itself runs for a few milliseconds).
    expect(first).toBeGreaterThan(8_000);
    expect(first).toBeLessThan(14_000);
    expect(second).toBeGreaterThan(first + 6_000);
    expect(second).toBeLessThan(25_000);
    const waiting = await waitFor('CrashLoopBackOff', async () => {
      const st = (await get('crash')).status?.containerStatuses?.[0];
      return st?.state.waiting?.reason === 'CrashLoopBackOff' ? st : undefined;
    }, 10_000);
    expect(waiting.state.waiting?.message).toMatch(/^back-off \d+s restarting failed container=c0 pod=crash$/);
    const events = (await c.client.list<KEvent>('Event', { namespace: 'default' })).items.filter((e) => e.involvedObject.name === 'crash');
    const backoff = events.find((e) => e.reason === 'BackOff');
    expect(backoff?.message).toBe(`Back-off restarting failed container c0 in pod crash_default(${p.metadata.uid})`);
    expect(backoff?.type).toBe('Warning');
    expect(events.filter((e) => e.reason === 'Started').length).toBeGreaterThanOrEqual(1);
  });
});
