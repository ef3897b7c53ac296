import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Pod, PodSpec } from '../../../shared/pod.js';
import { attachmentId, cniArgs, openPodNetwork } from './pod-network.js';
import { createFakeCni, type FakeCni } from './testing/fake-cni.js';
import type { PodNetworkFacts } from './types.js';

const root = mkdtempSync(join(tmpdir(), 'kedge-podnet-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const facts: PodNetworkFacts = { nodeName: 'n1', nodeIPs: ['192.0.2.5'], internalIP: '192.0.2.5', podCIDR: '10.42.7.0/24', bridge: 'kedge0', mtu: 1500, clusterDNS: '10.43.0.10', clusterDomain: 'cluster.local' };

function pod(name: string, spec: Partial<PodSpec> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } };
}

let n = 0;
function world() {
  const dir = join(root, `w${n++}`);
  mkdirSync(dir);
  const cni = createFakeCni(dir);
  const logs: string[] = [];
  const hostFile = async () => 'nameserver 192.0.2.1\nsearch lan\n';
  const open = (c: FakeCni = cni, hostResolvConf = hostFile) =>
    openPodNetwork({ stateDir: join(dir, 'state'), runDir: join(dir, 'run'), pluginDirs: [c.pluginDir], exec: c.exec, netns: c.netns, hostResolvConf, log: (m) => logs.push(m) });
  const leases = () => {
    try {
      return readdirSync(join(dir, 'state', 'ipam', 'kedge')).filter((f) => /^\d/.test(f)).sort();
    } catch {
      return [];
    }
  };
  const journal = () => JSON.parse(readFileSync(join(dir, 'state', 'pods.json'), 'utf8')) as { pods: { uid: string; state: string; ip?: string }[] };
  return { dir, cni, logs, open, leases, journal };
}

async function until(f: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!f()) throw new Error('timed out');
}

const ops = (c: FakeCni) => c.calls.map((x) => `${x.plugin} ${x.command} ${x.ifname}`);

describe('the pod network (fake plugins)', () => {
  it('attaches a pod: a namespace, loopback, then bridge with host-local; files for resolv.conf and hosts', async () => {
    const w = world();
    const net = await w.open();
    const a = await net.attach(pod('web'), facts);
    expect(a).toEqual({ uid: 'uid-web', ip: '10.42.7.2', netns: join(w.dir, 'run', 'netns', 'uid-web'), resolvConf: join(w.dir, 'run', 'pods', 'uid-web', 'resolv.conf'), hosts: join(w.dir, 'run', 'pods', 'uid-web', 'hosts') });
    expect(ops(w.cni)).toEqual(['loopback ADD lo', 'bridge ADD eth0']);
    expect(w.cni.calls[1]).toMatchObject({ containerId: 'uid-web', netns: a.netns, args: 'IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web;K8S_POD_UID=uid-web' });
    expect(w.cni.netns.live.has(a.netns)).toBe(true);
    expect(readFileSync(a.resolvConf, 'utf8')).toBe('search default.svc.cluster.local svc.cluster.local cluster.local lan\nnameserver 10.43.0.10\noptions ndots:5\n');
    expect(readFileSync(a.hosts, 'utf8')).toContain('10.42.7.2\tweb\n');
    expect(net.attachment('uid-web')).toEqual(a);
    expect(w.journal().pods).toMatchObject([{ uid: 'uid-web', state: 'attached', ip: '10.42.7.2' }]);
    expect(w.leases()).toEqual(['10.42.7.2']);
  });

  it('is idempotent: attaching an attached pod calls no plugin and keeps its address', async () => {
    const w = world();
    const net = await w.open();
    const first = await net.attach(pod('web'), facts);
    const calls = w.cni.calls.length;
    expect(await net.attach(pod('web'), facts)).toEqual(first);
    expect(w.cni.calls.length).toBe(calls);
  });

  it('detaches: DEL in reverse with the ADD result, namespace and files gone, address free', async () => {
    const w = world();
    const net = await w.open();
    const a = await net.attach(pod('web'), facts);
    await net.attach(pod('db'), facts);
    await net.detach('uid-web');
    const del = w.cni.calls.filter((c) => c.command === 'DEL');
    expect(del.map((c) => `${c.plugin} ${c.ifname}`)).toEqual(['bridge eth0', 'loopback lo']);
    expect((del[0]!.config.prevResult as { ips: { address: string }[] }).ips[0]!.address).toBe('10.42.7.2/24');
    expect(w.cni.netns.live.has(a.netns)).toBe(false);
    expect(existsSync(join(w.dir, 'run', 'pods', 'uid-web'))).toBe(false);
    expect(w.leases()).toEqual(['10.42.7.3']);
    expect(net.uids()).toEqual(['uid-db']);
    await net.detach('uid-web'); // twice is fine
    await net.detach('never-attached');
  });

  it('undoes a failed ADD at once: no address, no namespace, no journal entry left', async () => {
    const w = world();
    const net = await w.open();
    w.cni.inject((c) => c.plugin === 'bridge' && c.command === 'ADD', { fail: 'failed to set bridge addr: could not add IP address' });
    await expect(net.attach(pod('web'), facts)).rejects.toThrow('attaching pod default/web to the pod network: CNI ADD of bridge failed: failed to set bridge addr: could not add IP address [CNI error 999]');
    expect(w.cni.netns.live.size).toBe(0);
    expect(w.leases()).toEqual([]);
    expect(w.journal().pods).toEqual([]);
    expect(net.uids()).toEqual([]);
    expect((await net.attach(pod('web'), facts)).ip).toBe('10.42.7.2');
  });

  it('leaks nothing when the agent dies between ADD and the journal update: the next start DELs it', async () => {
    const w = world();
    let dying = false;
    // After the bridge ADD the agent writes the pod's files, then the journal: it dies in between.
    const first = await w.open(w.cni, () => (dying ? new Promise<string>(() => undefined) : Promise.resolve('')));
    await first.attach(pod('keep'), facts);
    dying = true;
    void first.attach(pod('web'), facts);
    await until(() => w.cni.calls.some((c) => c.plugin === 'bridge' && c.command === 'ADD' && c.containerId === 'uid-web'));
    expect(w.journal().pods.find((p) => p.uid === 'uid-web')?.state).toBe('adding');
    expect(w.leases()).toEqual(['10.42.7.2', '10.42.7.3']);

    const again = await w.open();
    await again.reconcile({ wanted: new Set(['uid-keep']), withContainers: new Set(['uid-keep']) });
    expect(w.leases()).toEqual(['10.42.7.2']);
    expect([...w.cni.netns.live]).toEqual([join(w.dir, 'run', 'netns', 'uid-keep')]);
    expect(w.journal().pods.map((p) => p.uid)).toEqual(['uid-keep']);
    expect(again.attachment('uid-keep')?.ip).toBe('10.42.7.2');
  });

  it('retries an ADD cut short for a pod still wanted: DEL first, then ADD', async () => {
    const w = world();
    const first = await w.open();
    w.cni.inject((c) => c.plugin === 'bridge' && c.command === 'ADD', 'hang');
    void first.attach(pod('web'), facts);
    await until(() => w.cni.calls.some((c) => c.plugin === 'bridge'));
    const again = await w.open();
    w.cni.calls.length = 0;
    const a = await again.attach(pod('web'), facts);
    expect(ops(w.cni)).toEqual(['bridge DEL eth0', 'loopback DEL lo', 'loopback ADD lo', 'bridge ADD eth0']);
    expect(a.ip).toBe('10.42.7.2');
    expect(w.leases()).toEqual(['10.42.7.2']);
  });

  it('after a reboot gives a wanted pod its address back and frees the others', async () => {
    const w = world();
    const first = await w.open();
    await first.attach(pod('a'), facts);
    const b = await first.attach(pod('b'), facts);
    await first.attach(pod('gone'), facts);
    await first.detach('uid-a'); // b keeps .3 while a new pod would take .2
    expect(b.ip).toBe('10.42.7.3');
    w.cni.reboot();

    const after = await w.open();
    await after.reconcile({ wanted: new Set(['uid-b', 'uid-c']), withContainers: new Set(['uid-b', 'uid-gone']) });
    expect(w.leases()).toEqual([]);
    expect(after.attachment('uid-b')).toBeUndefined();
    expect(after.uids()).toEqual(['uid-b']);
    expect(w.journal().pods).toMatchObject([{ uid: 'uid-b', state: 'released', ip: '10.42.7.3' }]);

    expect((await after.attach(pod('c'), facts)).ip).toBe('10.42.7.2');
    const again = await after.attach(pod('b'), facts);
    expect(again.ip).toBe('10.42.7.3');
    expect(w.cni.calls.at(-1)!.args).toContain(';IP=10.42.7.3');
  });

  it('takes another address when the old one is taken meanwhile', async () => {
    const w = world();
    const first = await w.open();
    await first.attach(pod('b'), facts);
    w.cni.reboot();
    const after = await w.open();
    await after.reconcile({ wanted: new Set(['uid-b']), withContainers: new Set() });
    expect((await after.attach(pod('thief'), facts)).ip).toBe('10.42.7.2');
    expect((await after.attach(pod('b'), facts)).ip).toBe('10.42.7.3');
    expect(w.logs.some((l) => /cannot have its address 10\.42\.7\.2 back/.test(l))).toBe(true);
    expect(w.leases()).toEqual(['10.42.7.2', '10.42.7.3']);
  });

  it('frees leases and removes namespaces and files that no journal entry holds (a lost journal)', async () => {
    const w = world();
    const first = await w.open();
    await first.attach(pod('a'), facts);
    await first.attach(pod('b'), facts);
    rmSync(join(w.dir, 'state', 'pods.json'));
    mkdirSync(join(w.dir, 'run', 'pods', 'junk'));
    writeFileSync(join(w.dir, 'run', 'pods', 'junk', 'hosts'), '');
    const after = await w.open();
    await after.reconcile({ wanted: new Set(), withContainers: new Set() });
    expect(w.leases()).toEqual([]);
    expect(w.cni.netns.live.size).toBe(0);
    expect(readdirSync(join(w.dir, 'run', 'pods'))).toEqual([]);
    expect(w.cni.calls.filter((c) => c.plugin === 'host-local').map((c) => `${c.command} ${c.containerId} ${c.netns || '-'}`).sort()).toEqual(['DEL uid-a -', 'DEL uid-b -']);
  });

  it('keeps a journal entry whose DEL failed, and tries again on detach', async () => {
    const w = world();
    const net = await w.open();
    await net.attach(pod('web'), facts);
    w.cni.inject((c) => c.plugin === 'bridge' && c.command === 'DEL', { fail: 'plugin busy' });
    await expect(net.detach('uid-web')).rejects.toThrow(/releasing the network of pod default\/web: CNI DEL of bridge failed: plugin busy/);
    expect(net.uids()).toEqual(['uid-web']);
    await net.detach('uid-web');
    expect(net.uids()).toEqual([]);
    expect(w.leases()).toEqual([]);
  });

  it('gives hostNetwork pods files of their own only when their dnsPolicy asks for the cluster DNS', async () => {
    const w = world();
    const net = await w.open();
    expect(await net.hostNetworkFiles(pod('h1', { hostNetwork: true }), facts)).toBeUndefined();
    const files = await net.hostNetworkFiles(pod('h2', { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), facts);
    expect(files).toEqual({ netns: join(w.dir, 'run', 'host-netns'), resolvConf: join(w.dir, 'run', 'pods', 'uid-h2', 'resolv.conf'), hosts: '/etc/hosts' });
    expect(w.cni.netns.live.has(files!.netns)).toBe(true);
    expect(readFileSync(files!.resolvConf, 'utf8')).toContain('nameserver 10.43.0.10\n');
    expect(net.uids()).toEqual(['uid-h2']);
    await net.detach('uid-h2');
    expect(existsSync(files!.resolvConf)).toBe(false);
    expect(w.cni.calls).toEqual([]);
  });

  it('runs one CNI operation at a time', async () => {
    const w = world();
    let inFlight = 0;
    let most = 0;
    const exec = w.cni.exec;
    const slow: FakeCni = {
      ...w.cni,
      exec: async (f, a, o) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        try {
          return await exec(f, a, o);
        } finally {
          inFlight--;
        }
      },
    };
    const locked = await w.open(slow);
    await Promise.all([locked.attach(pod('a'), facts), locked.attach(pod('b'), facts), locked.detach('uid-a')]);
    expect(most).toBe(1);
    expect(w.leases()).toEqual(['10.42.7.3']);
  });
});

describe('names and CNI_ARGS', () => {
  it('uses the uid as container id when it is a safe name, a hash otherwise', () => {
    expect(attachmentId('0f6c3b1e-7a2d-4c55-9b1f-2a3b4c5d6e7f')).toBe('0f6c3b1e-7a2d-4c55-9b1f-2a3b4c5d6e7f');
    expect(attachmentId('../etc')).toMatch(/^pod-[0-9a-f]{32}$/);
  });

  it('passes the pod names and the wanted address, leaving out values CNI_ARGS cannot hold', () => {
    const p = pod('web');
    p.metadata.uid = 'a;b';
    expect(cniArgs(p, '10.42.7.9')).toEqual({ IgnoreUnknown: '1', K8S_POD_NAMESPACE: 'default', K8S_POD_NAME: 'web', IP: '10.42.7.9' });
  });
});
