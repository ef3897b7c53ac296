import { afterEach, describe, expect, it } from 'vitest';
import type { LocalPod } from '../network/types.js';
import type { PodNetworkFacts } from '../network/pod/types.js';
import { createFakePodNetwork } from '../network/pod/testing/fake-pod-network.js';
import type { PodEvent } from '../events/types.js';
import { createFakeDriver } from '../runtime/fake/driver.js';
import { createReconciler } from './loop.js';
import { noPodRangeMessage } from './network.js';
import { testLoopOptions, testPod } from './testing/pod-fixtures.js';

const busybox = 'docker.io/library/busybox:1.36';
const facts: PodNetworkFacts = { nodeName: 'edge-1', nodeIPs: ['192.168.1.5'], internalIP: '192.168.1.5', podCIDR: '10.42.3.0/24', bridge: 'kedge0', mtu: 1500, clusterDNS: '10.43.0.10', clusterDomain: 'cluster.local' };

const started: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((r) => r.stop()));
});

function setup(o: { facts?: PodNetworkFacts } = { facts }) {
  let t = 1_700_000_000_000;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  const driver = createFakeDriver({ now: clock.now });
  driver.images.add(busybox);
  const net = createFakePodNetwork();
  let known = o.facts;
  const locals: LocalPod[][] = [];
  const events: PodEvent[] = [];
  const r = createReconciler({
    ...testLoopOptions(driver, clock.now),
    podNetwork: net,
    networkFacts: () => known,
    onLocalPodsChanged: (p) => locals.push(p),
    events: { emit: (e) => void events.push(e) },
  });
  r.start();
  started.push(r);
  const status = (name: string) => r.statuses().find((s) => s.name === name)?.status;
  const reconcile = async () => {
    r.trigger('test');
    await r.idle();
  };
  return { clock, driver, net, r, status, reconcile, locals, events, learn: (f: PodNetworkFacts) => (known = f) };
}

describe('reconciler on the pod network', () => {
  it('starts a pod in its own namespace: attached first, containers joined to it with its resolv.conf and hosts', async () => {
    const { driver, net, r, status } = setup();
    r.setDesired([testPod('web', { containers: [{ name: 'main', env: [{ name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] }, { name: 'side' }] })]);
    await r.idle();
    expect(net.calls).toEqual(['reconcile wanted=uid-web withContainers=', 'attach uid-web']);
    const main = driver.containers.get('uid-web-main')!.spec;
    expect(main.networkNamespace).toBe('/run/kedge/netns/uid-web');
    expect(driver.containers.get('uid-web-side')!.spec.networkNamespace).toBe('/run/kedge/netns/uid-web');
    expect(main.mounts).toEqual([
      { source: '/run/kedge/pods/uid-web/resolv.conf', destination: '/etc/resolv.conf', readOnly: true },
      { source: '/run/kedge/pods/uid-web/hosts', destination: '/etc/hosts', readOnly: true },
    ]);
    expect(main.env.MY_IP).toBe('10.42.3.2');
    expect(status('web')).toMatchObject({ phase: 'Running', hostIP: '192.168.1.5', podIP: '10.42.3.2', podIPs: [{ ip: '10.42.3.2' }] });
  });

  it('keeps pods on the pod network waiting while the node has no pod range, and starts them when it has one', async () => {
    const { driver, net, r, status, reconcile, learn } = setup({});
    r.setDesired([testPod('web'), testPod('host', { spec: { hostNetwork: true } })]);
    await r.idle();
    expect([...driver.containers.keys()]).toEqual(['uid-host-c0']);
    expect(driver.containers.get('uid-host-c0')!.spec.networkNamespace).toBeUndefined();
    expect(status('host')).toMatchObject({ phase: 'Running', podIP: '192.168.1.5' });
    const web = status('web')!;
    expect(web.phase).toBe('Pending');
    expect(web.podIP).toBeUndefined();
    expect(web.containerStatuses![0]!.state.waiting).toEqual({ reason: 'ContainerCreating', message: noPodRangeMessage });
    expect(net.calls.filter((c) => c.startsWith('attach'))).toEqual([]);

    learn(facts);
    await reconcile();
    expect(net.calls.filter((c) => c.startsWith('attach'))).toEqual(['attach uid-web']);
    expect(status('web')).toMatchObject({ phase: 'Running', podIP: '10.42.3.2' });
  });

  it('reports a failed attach as FailedCreatePodSandBox and tries again after a back-off', async () => {
    const { clock, driver, net, r, status, reconcile, events } = setup();
    net.failAttach('uid-web', 'CNI ADD of bridge failed: no IP addresses available in range set');
    r.setDesired([testPod('web')]);
    await r.idle();
    expect(driver.containers.size).toBe(0);
    expect(events.filter((e) => e.reason === 'FailedCreatePodSandBox').map((e) => e.message)).toEqual([
      'Failed to create pod sandbox: attaching pod default/web to the pod network: CNI ADD of bridge failed: no IP addresses available in range set',
    ]);
    expect(status('web')!.containerStatuses![0]!.state.waiting?.message).toMatch(/no IP addresses available/);
    await reconcile();
    expect(net.calls.filter((c) => c.startsWith('attach'))).toHaveLength(1);
    clock.advance(10_000);
    await reconcile();
    expect(net.calls.filter((c) => c.startsWith('attach'))).toHaveLength(2);
    expect([...driver.containers.keys()]).toEqual(['uid-web-c0']);
  });

  it('detaches a pod once its containers are gone, and one being deleted once its containers are stopped', async () => {
    const { driver, net, r, reconcile } = setup();
    r.setDesired([testPod('web'), testPod('db')]);
    await r.idle();
    r.setDesired([testPod('db')]);
    await r.idle();
    expect(driver.containers.has('uid-web-c0')).toBe(false);
    expect(net.calls).toContain('detach uid-web');
    expect(net.uids()).toEqual(['uid-db']);

    const deleting = testPod('db');
    deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    r.setDesired([deleting]);
    await r.idle();
    await reconcile();
    // Stopped, kept until the server lets the pod go; its network is given up already.
    expect(driver.containers.get('uid-db-c0')?.task).toBeNull();
    expect(net.calls).toContain('detach uid-db');
    r.setDesired([]);
    await r.idle();
    expect(driver.containers.size).toBe(0);
  });

  it('cleans up after the last run once, before attaching, with the wanted pods and those that have containers', async () => {
    const { driver, net, r, reconcile } = setup();
    driver.adopt({ id: 'uid-old-c0', image: busybox, env: {}, labels: { 'io.kedge.node': 'edge-1', 'io.kedge.pod.uid': 'uid-old' }, logPath: '/l' });
    r.setDesired([testPod('web')]);
    await r.idle();
    await reconcile();
    expect(net.calls.filter((c) => c.startsWith('reconcile'))).toEqual(['reconcile wanted=uid-web withContainers=uid-old']);
  });

  it('tells the Service rules and the DNS which local pods are ready, at once when a container dies', async () => {
    const { driver, r, locals } = setup();
    r.setDesired([testPod('web', { containers: [{ name: 'c0', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 53, protocol: 'UDP' }] }] }), testPod('host', { spec: { hostNetwork: true } })]);
    await r.idle();
    const web = { uid: 'uid-web', namespace: 'default', name: 'web', ip: '10.42.3.2', hostPorts: [{ hostPort: 8080, containerPort: 80, protocol: 'TCP' }] };
    expect(locals.at(-1)).toEqual([{ ...web, ready: true }]);
    expect(r.localPods()).toEqual([{ ...web, ready: true }]);
    const n = locals.length;
    driver.exit('uid-web-c0', 1);
    await r.idle();
    expect(locals.length).toBe(n + 1);
    expect(locals.at(-1)).toEqual([{ ...web, ready: false }]);
  });

  it('gives hostNetwork pods with ClusterFirstWithHostNet the cluster DNS, and the others the node file', async () => {
    const { driver, net, r } = setup();
    r.setDesired([testPod('a', { spec: { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } }), testPod('b', { spec: { hostNetwork: true } })]);
    await r.idle();
    const a = driver.containers.get('uid-a-c0')!.spec;
    expect(a.networkNamespace).toBe('/run/kedge/host-netns');
    expect(a.mounts).toEqual([
      { source: '/run/kedge/pods/uid-a/resolv.conf', destination: '/etc/resolv.conf', readOnly: true },
      { source: '/etc/hosts', destination: '/etc/hosts', readOnly: true },
    ]);
    const b = driver.containers.get('uid-b-c0')!.spec;
    expect(b.mounts).toBeUndefined();
    expect(b.networkNamespace).toBeUndefined();
    expect(net.calls.filter((c) => c.startsWith('attach') || c.startsWith('host-files'))).toEqual(['host-files uid-a']);
  });

  it('does not re-attach a finished pod', async () => {
    const { driver, net, r, reconcile } = setup();
    r.setDesired([testPod('job', { spec: { restartPolicy: 'Never' } })]);
    await r.idle();
    driver.exit('uid-job-c0', 0);
    await r.idle();
    await net.detach('uid-job'); // as after a reboot: the namespace is gone
    net.calls.length = 0;
    await reconcile();
    expect(net.calls).toEqual([]);
  });
});
