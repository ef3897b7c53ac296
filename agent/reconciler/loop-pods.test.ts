/** The reconciler with ConfigMaps, Secrets, volumes, probes and events, on the fake driver and a fake clock. */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigMap, Secret } from '../../shared/configmap.js';
import type { PodEvent } from '../events/types.js';
import type { ProbeOutcome } from '../probes/check.js';
import { createFakeTimers } from '../probes/testing/fake-timers.js';
import type { ProbeAction } from '../probes/spec.js';
import { createFakeDriver } from '../runtime/fake/driver.js';
import { createVolumeManager } from '../volumes/manager.js';
import { createReconciler } from './loop.js';
import { testLoopOptions, testPod } from './testing/pod-fixtures.js';

const busybox = 'docker.io/library/busybox:1.36';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (value: string): Secret => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' }, data: { password: b64(value) } });
const configMap = (value: string): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { 'app.conf': value } });

async function setup(o: { probe?: (a: ProbeAction, id: string) => ProbeOutcome } = {}) {
  const timers = createFakeTimers();
  const driver = createFakeDriver({ now: timers.now });
  driver.images.add(busybox);
  const root = await mkdtemp(join(tmpdir(), 'kedge-loop-'));
  const volumes = createVolumeManager({ roots: { disk: join(root, 'disk'), memory: join(root, 'mem') } });
  const events: PodEvent[] = [];
  const logs: string[] = [];
  const r = createReconciler({
    ...testLoopOptions(driver, timers.now),
    volumes,
    events: { emit: (e) => events.push(e) },
    timers: timers.deps,
    log: (m) => logs.push(m),
    probeCheck: async (a, id) => (o.probe ?? (() => ({ ok: true, message: '' })))(a, id),
  });
  r.start();
  cleanup.push(async () => {
    await r.stop();
    await rm(root, { recursive: true, force: true });
  });
  const status = (name: string) => r.statuses().find((s) => s.name === name)?.status;
  const settle = async (ms = 0) => {
    await timers.advance(ms);
    await r.idle();
  };
  return { timers, driver, r, root, events, logs, status, settle, reasons: () => events.map((e) => e.reason) };
}

describe('reconciler: ConfigMaps and Secrets', () => {
  it('gives the container env from a Secret and a ConfigMap, and fieldRefs', async () => {
    const { driver, r } = await setup();
    const pod = testPod('web', {
      containers: [{
        env: [
          { name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        ],
        envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
        command: ['sh', '-c', 'echo $(PW)'],
      }],
    });
    r.setDesired([pod], { secrets: [secret('s3cr3t')], configMaps: [configMap('x=1')] });
    await r.idle();
    const spec = driver.containers.get('uid-web-c0')!.spec;
    expect(spec.env).toEqual({ 'CFG_app.conf': 'x=1', PW: 's3cr3t', IP: '192.168.1.5' });
    expect(spec.command).toEqual(['sh', '-c', 'echo s3cr3t']);
  });

  it('a missing Secret keeps the container waiting with CreateContainerConfigError naming it, until it arrives', async () => {
    const { driver, r, status, events } = await setup();
    const pod = testPod('web', { containers: [{ env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] }] });
    r.setDesired([pod]);
    await r.idle();
    expect(driver.containers.size).toBe(0);
    expect(status('web')!.containerStatuses![0]!.state.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'secret "db" not found' });
    expect(events.at(-1)).toMatchObject({ reason: 'Failed', message: 'Error: secret "db" not found', type: 'Warning', container: 'c0' });
    r.setDesired([pod], { secrets: [secret('pw')] });
    await r.idle();
    expect(driver.containers.get('uid-web-c0')!.spec.env).toEqual({ PW: 'pw' });
    expect(status('web')!.phase).toBe('Running');
  });

  it('a changed Secret does not restart the container nor change its env', async () => {
    const { driver, r } = await setup();
    const pod = testPod('web', { containers: [{ env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] }] });
    r.setDesired([pod], { secrets: [secret('one')] });
    await r.idle();
    r.setDesired([pod], { secrets: [secret('two')] });
    await r.idle();
    expect(driver.calls.filter((c) => /^(create|stop|restart)/.test(c))).toEqual(['create uid-web-c0']);
    expect(driver.containers.get('uid-web-c0')!.spec.env).toEqual({ PW: 'one' });
  });

  it('writes configMap and secret volumes, mounts them read-only, refreshes files on change, removes them with the pod', async () => {
    const { driver, r, root } = await setup();
    const pod = testPod('web', {
      spec: { volumes: [{ name: 'creds', secret: { secretName: 'db', defaultMode: 0o400 } }, { name: 'cfg', configMap: { name: 'cfg' } }, { name: 'scratch', emptyDir: {} }] },
      containers: [{ volumeMounts: [{ name: 'creds', mountPath: '/etc/creds' }, { name: 'cfg', mountPath: '/etc/app.conf', subPath: 'app.conf' }, { name: 'scratch', mountPath: '/scratch' }] }],
    });
    r.setDesired([pod], { secrets: [secret('pw1')], configMaps: [configMap('a=1')] });
    await r.idle();
    const mem = join(root, 'mem', 'uid-web');
    expect(driver.containers.get('uid-web-c0')!.spec.mounts).toEqual([
      { source: join(mem, 'creds'), destination: '/etc/creds', readOnly: true },
      { source: join(mem, 'cfg', 'app.conf'), destination: '/etc/app.conf', readOnly: true },
      { source: join(root, 'disk', 'uid-web', 'scratch'), destination: '/scratch', readOnly: false },
    ]);
    expect(await readFile(join(mem, 'creds', 'password'), 'utf8')).toBe('pw1');
    r.setDesired([pod], { secrets: [secret('pw2')], configMaps: [configMap('a=1')] });
    await r.idle();
    expect(await readFile(join(mem, 'creds', 'password'), 'utf8')).toBe('pw2');
    expect(driver.calls.filter((c) => c.startsWith('create'))).toHaveLength(1);
    r.setDesired([]);
    await r.idle();
    await new Promise((res) => setTimeout(res, 20)); // the cleanup after removal lists containers first
    expect(await readdir(join(root, 'mem'))).toEqual([]);
    expect(await readdir(join(root, 'disk'))).toEqual([]);
  });
});

describe('reconciler: probes', () => {
  it('readiness gates Ready and containerStatuses[].ready, then passes', async () => {
    let ready = false;
    const { r, status, settle, events } = await setup({ probe: () => ({ ok: ready, message: ready ? '' : 'no /tmp/ready' }) });
    r.setDesired([testPod('web', { containers: [{ readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1 } }] })]);
    await settle();
    const cond = () => status('web')!.conditions!.filter((c) => c.type === 'Ready' || c.type === 'ContainersReady').map((c) => c.status);
    expect(status('web')!.phase).toBe('Running');
    expect(status('web')!.containerStatuses![0]!.ready).toBe(false);
    expect(cond()).toEqual(['False', 'False']);
    await settle(3000);
    expect(cond()).toEqual(['False', 'False']);
    expect(events.filter((e) => e.reason === 'Unhealthy')[0]).toMatchObject({ message: 'Readiness probe failed: no /tmp/ready', type: 'Warning' });
    ready = true;
    await settle(1000);
    expect(cond()).toEqual(['True', 'True']);
    expect(status('web')!.containerStatuses![0]!.ready).toBe(true);
  });

  it('a failing liveness probe kills the container, which restarts after the back-off with the reason in lastState', async () => {
    let healthy = true;
    const { driver, r, status, settle, events } = await setup({ probe: () => ({ ok: healthy, message: healthy ? '' : 'HTTP probe failed with statuscode: 500' }) });
    r.setDesired([testPod('web', { containers: [{ livenessProbe: { httpGet: { port: 8080 }, periodSeconds: 1, failureThreshold: 2 } }] })]);
    await settle();
    await settle(5000);
    expect(driver.calls.filter((c) => c.startsWith('stop'))).toEqual([]);
    healthy = false;
    await settle(2000);
    expect(driver.calls.filter((c) => c.startsWith('stop'))).toEqual(['stop uid-web-c0 30']);
    expect(events.filter((e) => e.reason === 'Killing').map((e) => e.message)).toEqual(['Container c0 failed liveness probe, will be restarted']);
    const s = status('web')!.containerStatuses![0]!;
    expect(s.state.waiting?.reason).toBe('CrashLoopBackOff');
    expect(s.lastState?.terminated).toMatchObject({ exitCode: 143, message: 'Container c0 failed liveness probe, will be restarted' });
    healthy = true;
    await settle(10_000);
    expect(driver.calls.filter((c) => c.startsWith('restart'))).toEqual(['restart uid-web-c0']);
    expect(status('web')!.containerStatuses![0]!).toMatchObject({ restartCount: 1, ready: true, state: { running: {} } });
  });

  it('startupProbe holds back liveness: started false until it passes', async () => {
    let up = false;
    const { r, status, settle } = await setup({ probe: (a) => ({ ok: a.type === 'exec' && a.command[0] === 'startup' ? up : false, message: 'nope' }) });
    r.setDesired([testPod('web', { containers: [{ startupProbe: { exec: { command: ['startup'] }, periodSeconds: 1, failureThreshold: 100 }, livenessProbe: { exec: { command: ['live'] } } }] })]);
    await settle(5000);
    expect(status('web')!.containerStatuses![0]!).toMatchObject({ started: false, ready: false });
    up = true;
    await settle(1000);
    expect(status('web')!.containerStatuses![0]!).toMatchObject({ started: true, ready: true });
  });
});

describe('reconciler: events', () => {
  it('Pulling, Pulled, Created, Started for a new pod; BackOff once per crash; Killing on removal', async () => {
    const { driver, r, settle, events, reasons } = await setup();
    driver.images.clear();
    r.setDesired([testPod('web')]);
    await settle();
    expect(reasons()).toEqual(['Pulling', 'Pulled', 'Created', 'Started']);
    expect(events[1]!.message).toMatch(/^Successfully pulled image "docker.io\/library\/busybox:1.36" in /);
    driver.exit('uid-web-c0', 3);
    await settle();
    await settle(1000);
    expect(reasons().slice(4)).toEqual(['BackOff']);
    expect(events[4]).toMatchObject({ type: 'Warning', message: 'Back-off restarting failed container c0 in pod web_default(uid-web)' });
    await settle(10_000);
    expect(reasons().slice(5)).toEqual(['Created', 'Started']);
    // A second pod with the image present says so.
    r.setDesired([testPod('web'), testPod('db')]);
    await settle();
    expect(events.filter((e) => e.pod.name === 'db').map((e) => e.message)).toEqual([
      'Container image "docker.io/library/busybox:1.36" already present on machine',
      'Created container c0',
      'Started container c0',
    ]);
    r.setDesired([testPod('db')]);
    await settle();
    expect(reasons().at(-1)).toBe('Killing');
    expect(events.at(-1)!.message).toBe('Stopping container c0');
  });
});

describe('reconciler: fast exits', () => {
  it('a process that exits before the runtime call returns keeps its exit code and back-off', async () => {
    const { driver, r, status, settle } = await setup();
    const restart = driver.restart.bind(driver);
    driver.restart = async (id, logPath) => {
      await restart(id, logPath);
      driver.exit(id, 3); // reported while the call is still in flight
    };
    r.setDesired([testPod('web')]);
    await settle();
    driver.exit('uid-web-c0', 3);
    await settle();
    await settle(10_000);
    const s = status('web')!.containerStatuses![0]!;
    expect(s.restartCount).toBe(1);
    expect(s.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(s.state.waiting).toEqual({ reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=c0 pod=web' });
  });
});
