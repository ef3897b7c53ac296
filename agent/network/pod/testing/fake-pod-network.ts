/** An in-memory PodNetwork for reconciler tests: addresses from 10.42.0.2 up, calls recorded, failures on demand. */
import { KedgeError } from '../../../../shared/errors.js';
import type { Pod } from '../../../../shared/pod.js';
import { dnsMode } from '../resolv-conf.js';
import type { PodAttachment, PodNetwork, PodNetworkFacts } from '../types.js';

export interface FakePodNetwork extends PodNetwork {
  /** e.g. "attach uid-web", "detach uid-web", "reconcile wanted=a,b withContainers=a". */
  calls: string[];
  /** The next attach of this uid fails with the message. */
  failAttach(uid: string, message: string): void;
}

export function createFakePodNetwork(): FakePodNetwork {
  const attached = new Map<string, PodAttachment>();
  const hostFiles = new Map<string, string>();
  const failures = new Map<string, string>();
  const calls: string[] = [];
  let next = 2;
  return {
    calls,
    failAttach: (uid, message) => void failures.set(uid, message),
    async attach(pod: Pod, facts: PodNetworkFacts) {
      const uid = pod.metadata.uid!;
      calls.push(`attach ${uid}`);
      const failure = failures.get(uid);
      if (failure) {
        failures.delete(uid);
        throw new KedgeError('InternalError', `attaching pod ${pod.metadata.namespace ?? 'default'}/${pod.metadata.name} to the pod network: ${failure}`);
      }
      const have = attached.get(uid);
      if (have) return have;
      const base = facts.podCIDR.split('/')[0]!.split('.').slice(0, 3).join('.');
      const a = { uid, ip: `${base}.${next++}`, netns: `/run/kedge/netns/${uid}`, resolvConf: `/run/kedge/pods/${uid}/resolv.conf`, hosts: `/run/kedge/pods/${uid}/hosts` };
      attached.set(uid, a);
      return a;
    },
    async detach(uid) {
      calls.push(`detach ${uid}`);
      attached.delete(uid);
      hostFiles.delete(uid);
    },
    async hostNetworkFiles(pod) {
      const uid = pod.metadata.uid!;
      if (!pod.spec.hostNetwork || dnsMode(pod) === 'host') return undefined;
      calls.push(`host-files ${uid}`);
      const files = { netns: '/run/kedge/host-netns', resolvConf: `/run/kedge/pods/${uid}/resolv.conf`, hosts: '/etc/hosts' };
      hostFiles.set(uid, files.resolvConf);
      return files;
    },
    async reconcile(p) {
      calls.push(`reconcile wanted=${[...p.wanted].sort().join(',')} withContainers=${[...p.withContainers].sort().join(',')}`);
    },
    attachment: (uid) => attached.get(uid),
    uids: () => [...new Set([...attached.keys(), ...hostFiles.keys()])],
  };
}
