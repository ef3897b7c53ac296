/**
 * The pod network on the real CNI plugins and a private containerd. The plugins run inside a
 * network namespace of the test's own, so the bridge, the pods' veths and every packet exist
 * only there: two pods get addresses from 10.42.77.0/24, reach each other over the bridge,
 * containers of one pod share localhost, and detach, a crash mid-ADD and a reboot leak no
 * address (host-local's lease files) and no namespace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeImageRef } from '../../agent/images/ref.js';
import { cidrContains } from '../../agent/network/pod/cni/config.js';
import type { Exec } from '../../agent/network/pod/cni/invoke.js';
import { findPlugin, cniPluginDirs } from '../../agent/network/pod/cni/plugins.js';
import { openPodNetwork } from '../../agent/network/pod/pod-network.js';
import type { PodAttachment, PodNetwork, PodNetworkFacts } from '../../agent/network/pod/types.js';
import type { PodPlacement } from '../../agent/reconciler/network.js';
import { buildContainerSpec, type SpecContext } from '../../agent/reconciler/spec.js';
import { createCtrDriver } from '../../agent/runtime/ctr/ctr-driver.js';
import { runProcess } from '../../agent/runtime/ctr/run-process.js';
import type { RuntimeDriver } from '../../agent/runtime/driver.js';
import type { Pod, PodSpec } from '../../shared/pod.js';
import { waitFor } from '../fixtures/child.js';
import { containerdSkipReason, startTestContainerd, type TestContainerd } from '../fixtures/containerd.js';
import { buildTestImage } from '../fixtures/image.js';
import { netnsSkipReason } from '../e2e/netns.js';

function skipReason(): string | null {
  const other = containerdSkipReason() ?? netnsSkipReason();
  if (other) return other;
  for (const p of ['bridge', 'host-local', 'loopback']) {
    if (!cniPluginDirs.some((d) => existsSync(join(d, p)))) return `the CNI plugin ${p} is not installed (containernetworking-plugins)`;
  }
  for (const c of ['nsenter', 'unshare', 'umount']) if (spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0) return `${c} is not installed`;
  return null;
}

const skip = skipReason();
const image = 'docker.io/library/busybox:test';
const testNs = `podnet-it-${process.pid}`;
const bridge = `podnet${process.pid % 100000}`;
const facts: PodNetworkFacts = { nodeName: 'podnet-node', nodeIPs: ['192.0.2.5'], internalIP: '192.0.2.5', podCIDR: '10.42.77.0/24', bridge, mtu: 1500, clusterDNS: '10.43.0.10', clusterDomain: 'cluster.local' };

function sh(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** The plugins run in the test's namespace: that is where the bridge and the host ends of the veths go. */
const inTestNs: Exec = (file, args, o) => runProcess('nsenter', [`--net=/run/netns/${testNs}`, '--', file, ...args], o);

function pod(name: string, spec: Partial<PodSpec>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `podnet-${process.pid}-${name}` }, spec: { containers: [], ...spec } };
}

describe.skipIf(skip !== null)(`pod network on the real CNI plugins${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dir: string;
  let tc: TestContainerd | undefined;
  let driver: RuntimeDriver | undefined;
  let net: PodNetwork;
  const stateDir = () => join(dir, 'state');
  const runDir = () => join(dir, 'run');
  const open = (exec: Exec = inTestNs) => openPodNetwork({ stateDir: stateDir(), runDir: runDir(), exec, hostResolvConf: async () => 'nameserver 192.0.2.1\nsearch lan\n' });
  const leases = () => (existsSync(join(stateDir(), 'ipam', 'kedge')) ? readdirSync(join(stateDir(), 'ipam', 'kedge')).filter((f) => /^\d/.test(f)).sort() : []);
  const netnsMounts = () => readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(join(runDir(), 'netns'))).sort();

  const webPod = pod('web', {
    containers: [
      { name: 'web', image: 'busybox:test', command: ['sh', '-c', 'echo hello from web > /index.html && exec httpd -f -p 8080 -h /'] },
      { name: 'side', image: 'busybox:test', command: ['sleep', '3600'] },
    ],
  });
  const clientPod = pod('client', { subdomain: 'app', containers: [{ name: 'client', image: 'busybox:test', command: ['sleep', '3600'] }] });
  const hostPod = pod('host', { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet', containers: [{ name: 'host', image: 'busybox:test', command: ['sleep', '3600'] }] });

  async function start(p: Pod, placement: PodPlacement): Promise<void> {
    const ctx: SpecContext = { nodeName: 'podnet-node', normalizeImage: (r) => normalizeImageRef(r), logPath: (x) => join(dir, 'logs', x.uid, `${x.container}.log`), placement: () => placement };
    for (let i = 0; i < p.spec.containers.length; i++) await driver!.create(buildContainerSpec(p, i, ctx, 0));
  }
  const exec = async (id: string, ...args: string[]) => driver!.exec(id, args, 15_000);
  const id = (p: Pod, c: string) => `${p.metadata.uid}-${c}`;

  beforeAll(async () => {
    dir = mkdtempSync('/tmp/podnet-it-');
    expect(sh('ip', ['netns', 'add', testNs]).ok).toBe(true);
    sh('ip', ['-n', testNs, 'link', 'set', 'lo', 'up']);
    tc = await startTestContainerd(join(dir, 'containerd'));
    driver = createCtrDriver({ address: tc.address, runcRoot: tc.runcRoot });
    mkdirSync(join(dir, 'build'));
    await buildTestImage({ outFile: join(dir, 'build', 'test.tar') });
    expect(await driver.importImage(join(dir, 'build', 'test.tar'))).toEqual([image]);
    net = await open();
    await net.reconcile({ wanted: new Set(), withContainers: new Set() });
  });

  afterAll(async () => {
    await driver?.close();
    await tc?.cleanup(); // kills the tasks first: shims outlive containerd
    if (dir) {
      for (const m of readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '')) if (m.startsWith(dir)) sh('umount', ['-l', m]);
    }
    // The bridge and the host ends of the veths go with the namespace.
    sh('ip', ['netns', 'del', testNs]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let web: PodAttachment;
  let client: PodAttachment;

  it('attaches two pods with their own namespaces and addresses of the pod range, the bridge only in the test namespace', async () => {
    web = await net.attach(webPod, facts);
    client = await net.attach(clientPod, facts);
    expect(cidrContains('10.42.77.0/24', web.ip)).toBe(true);
    expect(cidrContains('10.42.77.0/24', client.ip)).toBe(true);
    expect(web.ip).not.toBe(client.ip);
    expect(web.ip).not.toBe('10.42.77.1'); // the bridge's
    expect(sh('nsenter', [`--net=${web.netns}`, 'ip', '-4', '-o', 'addr', 'show', 'eth0']).out).toContain(`inet ${web.ip}/24`);
    expect(sh('nsenter', [`--net=${web.netns}`, 'ip', 'route', 'show', 'default']).out).toContain('via 10.42.77.1 dev eth0');
    expect(sh('nsenter', [`--net=${web.netns}`, 'ip', '-o', 'link', 'show', 'lo']).out).toMatch(/state UNKNOWN|,UP/);
    expect(sh('ip', ['-n', testNs, '-4', '-o', 'addr', 'show', bridge]).out).toContain('inet 10.42.77.1/24');
    expect(sh('ip', ['link', 'show', bridge]).ok).toBe(false);
    expect(leases()).toEqual([web.ip, client.ip].sort());
    expect(netnsMounts()).toEqual([client.netns, web.netns].sort());
  });

  it('runs the containers of a pod in its namespace: they share localhost, and pods reach each other over the bridge', async () => {
    await start(webPod, { type: 'pod', attachment: web });
    await start(clientPod, { type: 'pod', attachment: client });
    // No -T: this busybox's wget crashes with it; exec's own timeout bounds the call.
    const fetch = (from: string, url: string) => exec(from, 'wget', '-q', '-O', '-', url);
    await waitFor('httpd in the web pod', async () => (await fetch(id(webPod, 'side'), 'http://127.0.0.1:8080/')).stdout.includes('hello from web'), 20_000);
    expect((await fetch(id(clientPod, 'client'), `http://${web.ip}:8080/`)).stdout).toBe('hello from web\n');
    // The client's localhost is its own, not the web pod's nor the node's.
    expect((await fetch(id(clientPod, 'client'), 'http://127.0.0.1:8080/')).exitCode).not.toBe(0);
  });

  it('gives each container the pod resolv.conf and hosts, read-only', async () => {
    const resolv = (await exec(id(clientPod, 'client'), 'cat', '/etc/resolv.conf')).stdout;
    expect(resolv).toBe('search default.svc.cluster.local svc.cluster.local cluster.local lan\nnameserver 10.43.0.10\noptions ndots:5\n');
    const hosts = (await exec(id(clientPod, 'client'), 'cat', '/etc/hosts')).stdout;
    expect(hosts).toContain(`${client.ip}\tclient.app.default.svc.cluster.local\tclient\n`);
    const write = await exec(id(clientPod, 'client'), 'sh', '-c', 'echo x >> /etc/hosts');
    expect(write.exitCode).not.toBe(0);
  });

  it('gives a hostNetwork pod with ClusterFirstWithHostNet the cluster DNS, on the network of the agent', async () => {
    const files = await net.hostNetworkFiles(hostPod, facts);
    expect(files).toBeDefined();
    await start(hostPod, { type: 'host', files: files! });
    const resolv = (await exec(id(hostPod, 'host'), 'cat', '/etc/resolv.conf')).stdout;
    expect(resolv).toContain('nameserver 10.43.0.10\n');
    // The agent's plugins run in the test namespace, so that is "the node" here: it holds the bridge.
    expect((await exec(id(hostPod, 'host'), 'cat', '/proc/net/dev')).stdout).toContain(`${bridge}:`);
    expect((await exec(id(hostPod, 'host'), 'cat', '/etc/hosts')).stdout).toBe(readFileSync('/etc/hosts', 'utf8'));
    await driver!.remove(id(hostPod, 'host'));
    await net.detach(hostPod.metadata.uid!);
  });

  it('detaches a pod: its address is free and its namespace gone', async () => {
    for (const c of webPod.spec.containers) await driver!.remove(id(webPod, c.name));
    await net.detach(webPod.metadata.uid!);
    expect(leases()).toEqual([client.ip]);
    expect(netnsMounts()).toEqual([client.netns]);
    expect(existsSync(web.netns)).toBe(false);
    expect(sh('ip', ['-n', testNs, '-o', 'link', 'show', 'master', bridge]).out.trim().split('\n')).toHaveLength(1);
  });

  it('leaks nothing when the agent dies right after the bridge ADD: the next start DELs it', async () => {
    let added = false;
    const dying: Exec = async (file, args, o) => {
      const r = await inTestNs(file, args, o);
      if (file.endsWith('/bridge') && o.env?.CNI_COMMAND === 'ADD') {
        added = true;
        return new Promise(() => undefined); // the agent is gone before it hears back
      }
      return r;
    };
    const crashing = await open(dying);
    const victim = pod('victim', { containers: [{ name: 'c', image: 'busybox:test' }] });
    void crashing.attach(victim, facts);
    await waitFor('the bridge ADD of the victim', () => added, 20_000, 50);
    expect(leases()).toHaveLength(2);
    expect(netnsMounts()).toHaveLength(2);

    const restarted = await open();
    await restarted.reconcile({ wanted: new Set([clientPod.metadata.uid!]), withContainers: new Set([clientPod.metadata.uid!]) });
    expect(leases()).toEqual([client.ip]);
    expect(netnsMounts()).toEqual([client.netns]);
    expect(sh('ip', ['-n', testNs, '-o', 'link', 'show', 'master', bridge]).out.trim().split('\n')).toHaveLength(1);
    // The client pod kept its namespace and its address.
    expect(restarted.attachment(clientPod.metadata.uid!)?.ip).toBe(client.ip);
    expect((await exec(id(clientPod, 'client'), 'cat', '/etc/hosts')).stdout).toContain(client.ip);
    net = restarted;
  });

  it('after a reboot (namespaces gone, the journal and leases on disk) frees the address and gives the pod the same one back', async () => {
    await driver!.remove(id(clientPod, 'client'));
    // What a reboot does: the namespace mounts are gone, their files and host-local's store stay.
    sh('umount', [client.netns]);
    const booted = await open();
    await booted.reconcile({ wanted: new Set([clientPod.metadata.uid!]), withContainers: new Set() });
    expect(leases()).toEqual([]);
    expect(booted.attachment(clientPod.metadata.uid!)).toBeUndefined();
    const again = await booted.attach(clientPod, facts);
    expect(again.ip).toBe(client.ip);
    expect(leases()).toEqual([client.ip]);
    await booted.detach(clientPod.metadata.uid!);
    expect(leases()).toEqual([]);
    expect(netnsMounts()).toEqual([]);
  });
});
