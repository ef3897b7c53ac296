/**
 * Pods on the pod network through the real CNI plugins: a namespace per pod, the loopback list
 * and the bridge + host-local list ADDed into it, all under one lock, with a journal on disk so
 * that a crash or a reboot leaks no address and no namespace.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KedgeError } from '../../../shared/errors.js';
import type { Pod } from '../../../shared/pod.js';
import { writeFileAtomic } from '../../../shared/atomic-file.js';
import { cidrContains, loopbackList, podNetworkList, releaseLeaseConfig } from './cni/config.js';
import { defaultExec, type CniRuntime, type Exec } from './cni/invoke.js';
import { createCni, type NetworkList } from './cni/network-list.js';
import { cniPluginDirs } from './cni/plugins.js';
import { podAddress } from './cni/result.js';
import { renderHosts } from './hosts.js';
import { loadJournal, saveJournal, type JournalEntry } from './journal.js';
import { readLeases } from './leases.js';
import { createLock } from './lock.js';
import { createNetnsOps, type NetnsOps } from './netns.js';
import { planRecovery } from './recovery.js';
import { dnsMode, pickHostResolvConf, renderResolvConf } from './resolv-conf.js';
import type { HostNetworkFiles, PodAttachment, PodNetwork, PodNetworkFacts } from './types.js';

export interface PodNetworkOptions {
  /** Survives reboots: the journal and host-local's address store, e.g. <data dir>/network. */
  stateDir: string;
  /** The pods' namespaces and their resolv.conf and hosts files, e.g. /run/kedge/<node>/network (a tmpfs: gone at reboot, as namespaces are). */
  runDir: string;
  /** Where the plugins are looked for (CNI_PATH too); default /usr/lib/cni, /opt/cni/bin, /usr/libexec/cni. */
  pluginDirs?: readonly string[];
  /** The spec version the plugins speak (the preflight finds it); default 1.0.0. */
  cniVersion?: string;
  /** The network's name (host-local's directory); default kedge. */
  networkName?: string;
  /** How plugins and unshare/umount run; tests run the plugins inside a namespace of their own. */
  exec?: Exec;
  netns?: NetnsOps;
  /** The node's resolv.conf as pods should inherit it; default /etc/resolv.conf (or systemd-resolved's upstream file). */
  hostResolvConf?: () => Promise<string>;
  log?: (m: string) => void;
}

const safeId = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** CNI_CONTAINERID and file name for a pod: its uid when that is a safe name, else a hash of it. */
export function attachmentId(uid: string): string {
  return safeId.test(uid) ? uid : `pod-${createHash('sha256').update(uid).digest('hex').slice(0, 32)}`;
}

/** What the plugins learn of the pod (CNI_ARGS, the kubelet's names); host-local reads IP, the rest is ignored. */
export function cniArgs(pod: Pod, ip?: string): Record<string, string> {
  const args: Record<string, string> = { IgnoreUnknown: '1' };
  const add = (k: string, v: string | undefined) => {
    if (v && /^[^;=]*$/.test(v)) args[k] = v;
  };
  add('K8S_POD_NAMESPACE', pod.metadata.namespace ?? 'default');
  add('K8S_POD_NAME', pod.metadata.name);
  add('K8S_POD_UID', pod.metadata.uid);
  add('IP', ip);
  return args;
}

async function defaultHostResolvConf(): Promise<string> {
  const etc = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  const resolved = await readFile('/run/systemd/resolve/resolv.conf', 'utf8').catch(() => undefined);
  return pickHostResolvConf(etc, resolved);
}

export async function openPodNetwork(o: PodNetworkOptions): Promise<PodNetwork> {
  const log = o.log ?? (() => undefined);
  const exec = o.exec ?? defaultExec;
  const pluginDirs = o.pluginDirs ?? cniPluginDirs;
  const cniVersion = o.cniVersion ?? '1.0.0';
  const networkName = o.networkName ?? 'kedge';
  const cni = createCni({ exec, pluginDirs });
  const netns = o.netns ?? createNetnsOps({ exec });
  const hostResolvConf = o.hostResolvConf ?? defaultHostResolvConf;
  const journalPath = join(o.stateDir, 'pods.json');
  const ipamDir = join(o.stateDir, 'ipam');
  const netnsDir = join(o.runDir, 'netns');
  const filesDir = join(o.runDir, 'pods');
  const hostNetns = join(o.runDir, 'host-netns');
  await mkdir(o.stateDir, { recursive: true, mode: 0o700 });
  for (const d of [o.runDir, netnsDir, filesDir]) await mkdir(d, { recursive: true, mode: 0o755 });

  const entries = await loadJournal(journalPath, log);
  /** hostNetwork pods with files of their own: uid → file id. */
  const hostPods = new Map<string, string>();
  const lock = createLock();
  const save = () => saveJournal(journalPath, entries);
  const podFiles = (id: string) => ({ dir: join(filesDir, id), resolvConf: join(filesDir, id, 'resolv.conf'), hosts: join(filesDir, id, 'hosts') });

  function attachmentOf(e: JournalEntry): PodAttachment | undefined {
    if (e.state !== 'attached' || !e.ip) return undefined;
    const f = podFiles(e.id);
    return { uid: e.uid, ip: e.ip, netns: e.netns, resolvConf: f.resolvConf, hosts: f.hosts };
  }

  async function writePodFiles(pod: Pod, facts: PodNetworkFacts, id: string, ip: string): Promise<void> {
    const f = podFiles(id);
    await mkdir(f.dir, { recursive: true, mode: 0o755 });
    const resolv = renderResolvConf(pod, { clusterDNS: facts.clusterDNS, clusterDomain: facts.clusterDomain, hostResolvConf: await hostResolvConf() });
    // Read by any user inside the container.
    await writeFileAtomic(f.resolvConf, resolv, 0o644);
    await writeFileAtomic(f.hosts, renderHosts(pod, { ip, clusterDomain: facts.clusterDomain }), 0o644);
  }

  /** DEL of both lists (with the ADD's result), then the namespace and files; throws when a plugin refused, so the entry stays for another try. */
  async function teardown(e: JournalEntry): Promise<void> {
    const live = await netns.isLive(e.netns);
    // A namespace that is gone (or the empty file a reboot leaves) is passed as "": the plugins then only free their own state.
    const rt = (ifname: string): CniRuntime => ({ containerId: e.id, netns: live ? e.netns : '', ifname });
    const failures: string[] = [];
    if (e.network) await cni.del(e.network, rt('eth0'), e.result).catch((err: Error) => failures.push(err.message));
    if (e.loopback && live) await cni.del(e.loopback, rt('lo')).catch((err: Error) => failures.push(err.message));
    await netns.remove(e.netns).catch((err: Error) => failures.push(`removing namespace ${e.netns}: ${err.message}`));
    await rm(podFiles(e.id).dir, { recursive: true, force: true });
    if (failures.length) throw new KedgeError('InternalError', `releasing the network of pod ${e.namespace}/${e.name}: ${failures.join('; ')}`);
  }

  /** ADD of the pod network, asking for `ip` first when there is one (the pod's address before a reboot). */
  async function addNetwork(pod: Pod, network: NetworkList, rt: CniRuntime, ip: string | undefined): Promise<unknown> {
    if (!ip) return cni.add(network, { ...rt, args: cniArgs(pod) });
    try {
      return await cni.add(network, { ...rt, args: cniArgs(pod, ip) });
    } catch (e) {
      log(`pod ${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}: cannot have its address ${ip} back (${(e as Error).message}); taking another`);
      await cni.del(network, rt).catch(() => undefined);
      return cni.add(network, { ...rt, args: cniArgs(pod) });
    }
  }

  async function attach(pod: Pod, facts: PodNetworkFacts): Promise<PodAttachment> {
    const uid = pod.metadata.uid;
    if (!uid) throw new KedgeError('Invalid', 'metadata.uid: a pod needs a uid to be attached to the pod network');
    const ref = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? uid}`;
    const prev = entries.get(uid);
    if (prev?.state === 'attached' && (await netns.isLive(prev.netns))) {
      await writePodFiles(pod, facts, prev.id, prev.ip!);
      return attachmentOf(prev)!;
    }
    const keepIp = prev?.ip;
    // DEL before ADD: whatever an earlier try (cut short by a crash, or before a reboot) left; a released entry has had its DEL.
    if (prev && prev.state !== 'released') await teardown(prev);
    const id = attachmentId(uid);
    const network = podNetworkList({ name: networkName, cniVersion, facts, ipamDataDir: ipamDir });
    const loopback = loopbackList(cniVersion);
    const entry: JournalEntry = { uid, id, namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? uid, netns: join(netnsDir, id), state: 'adding', network, loopback, ...(keepIp ? { ip: keepIp } : {}) };
    entries.set(uid, entry);
    await save();
    try {
      await netns.create(entry.netns);
      const rt: CniRuntime = { containerId: id, netns: entry.netns, ifname: 'eth0' };
      await cni.add(loopback, { ...rt, ifname: 'lo' });
      const result = await addNetwork(pod, network, rt, keepIp && cidrContains(facts.podCIDR, keepIp) ? keepIp : undefined);
      const { ip } = podAddress(result, 'eth0', entry.netns);
      if (!cidrContains(facts.podCIDR, ip)) throw new KedgeError('InternalError', `the bridge plugin gave ${ip}, outside the pod range ${facts.podCIDR}`);
      await writePodFiles(pod, facts, id, ip);
      Object.assign(entry, { state: 'attached', ip, result });
      await save();
      log(`pod ${ref}: attached to the pod network as ${ip}`);
      return attachmentOf(entry)!;
    } catch (e) {
      try {
        await teardown(entry);
        if (keepIp) Object.assign(entry, { state: 'released', ip: keepIp, result: undefined });
        else entries.delete(uid);
      } catch (undo) {
        // Stays "adding": the next attach, or the next start, DELs it again.
        log(`pod ${ref}: ${(undo as Error).message}`);
      }
      await save().catch((err: Error) => log(`pod network journal ${journalPath}: ${err.message}`));
      throw new KedgeError(e instanceof KedgeError ? e.code : 'InternalError', `attaching pod ${ref} to the pod network: ${(e as Error).message}`, { cause: e });
    }
  }

  async function detach(uid: string): Promise<void> {
    const hostId = hostPods.get(uid);
    if (hostId) {
      await rm(podFiles(hostId).dir, { recursive: true, force: true });
      hostPods.delete(uid);
    }
    const e = entries.get(uid);
    if (!e) return;
    await teardown(e);
    entries.delete(uid);
    await save();
    if (e.ip) log(`pod ${e.namespace}/${e.name}: detached from the pod network, ${e.ip} freed`);
  }

  async function hostNetworkFiles(pod: Pod, facts: PodNetworkFacts): Promise<HostNetworkFiles | undefined> {
    const uid = pod.metadata.uid;
    if (!uid || !pod.spec.hostNetwork) return undefined;
    // The node's own file (what ctr mounts for host networking) is right unless the policy asks for something else.
    if (dnsMode(pod) === 'host') return undefined;
    await netns.pin(hostNetns);
    const id = attachmentId(uid);
    const f = podFiles(id);
    await mkdir(f.dir, { recursive: true, mode: 0o755 });
    await writeFileAtomic(f.resolvConf, renderResolvConf(pod, { clusterDNS: facts.clusterDNS, clusterDomain: facts.clusterDomain, hostResolvConf: await hostResolvConf() }), 0o644);
    hostPods.set(uid, id);
    return { netns: hostNetns, resolvConf: f.resolvConf, hosts: '/etc/hosts' };
  }

  /** Frees addresses in host-local's store that no entry holds (a journal lost or set aside). */
  async function releaseStrayLeases(): Promise<void> {
    const held = new Set([...entries.values()].filter((e) => e.state !== 'released').map((e) => e.id));
    for (const lease of await readLeases(ipamDir)) {
      if (held.has(lease.containerId)) continue;
      try {
        await cni.call('DEL', 'host-local', releaseLeaseConfig({ cniVersion, network: lease.network, ip: lease.ip, ipamDataDir: ipamDir }), { containerId: lease.containerId, netns: '', ifname: lease.ifname ?? 'eth0' });
        log(`pod network: freed ${lease.ip}, held by ${lease.containerId} which no journal entry knows`);
      } catch (e) {
        log(`pod network: cannot free ${lease.ip}: ${(e as Error).message}`);
      }
    }
  }

  /** Removes namespaces and pod files in our own directories that no entry holds. */
  async function removeStrays(): Promise<void> {
    const held = new Set([...entries.values()].filter((e) => e.state !== 'released').map((e) => e.netns));
    for (const path of await netns.list(netnsDir)) {
      if (held.has(path)) continue;
      await netns.remove(path).then(
        () => log(`pod network: removed namespace ${path}, which no journal entry knows`),
        (e: Error) => log(`pod network: cannot remove namespace ${path}: ${e.message}`),
      );
    }
    const ids = new Set([...[...entries.values()].filter((e) => e.state !== 'released').map((e) => e.id), ...hostPods.values()]);
    for (const d of await readdir(filesDir).catch(() => [])) {
      if (!ids.has(d)) await rm(join(filesDir, d), { recursive: true, force: true });
    }
  }

  async function reconcile(pods: { wanted: ReadonlySet<string>; withContainers: ReadonlySet<string> }): Promise<void> {
    const liveNetns = new Set<string>();
    for (const e of entries.values()) if (await netns.isLive(e.netns)) liveNetns.add(e.uid);
    const plan = planRecovery({ entries: [...entries.values()], wanted: pods.wanted, withContainers: pods.withContainers, liveNetns });
    for (const [uid, action] of plan) {
      const e = entries.get(uid)!;
      if (action === 'keep' || (action === 'release' && e.state === 'released')) continue;
      try {
        if (e.state !== 'released') await teardown(e);
        if (action === 'release' && e.ip) Object.assign(e, { state: 'released', result: undefined });
        else entries.delete(uid);
        log(`pod network: ${action === 'release' ? 'released' : 'removed'} what ${e.namespace}/${e.name} had${e.ip ? ` (${e.ip})` : ''}`);
      } catch (err) {
        log(`pod network: ${(err as Error).message}`);
      }
    }
    await save();
    await releaseStrayLeases();
    await removeStrays();
  }

  return {
    attach: (pod, facts) => lock.run(() => attach(pod, facts)),
    detach: (uid) => lock.run(() => detach(uid)),
    hostNetworkFiles: (pod, facts) => lock.run(() => hostNetworkFiles(pod, facts)),
    reconcile: (pods) => lock.run(() => reconcile(pods)),
    attachment(uid) {
      const e = entries.get(uid);
      return e ? attachmentOf(e) : undefined;
    },
    uids: () => [...new Set([...entries.keys(), ...hostPods.keys()])],
  };
}
