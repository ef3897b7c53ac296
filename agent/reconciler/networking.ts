/**
 * The reconciler's side of the pod network: attaching pods before their containers start,
 * releasing networks of pods that are gone, and telling the Service rules and the DNS which
 * local pods are ready.
 */
import type { Pod } from '../../shared/pod.js';
import type { EventSink } from '../events/types.js';
import { podEvents } from '../events/wording.js';
import type { HostNetworkFiles, PodNetwork, PodNetworkFacts } from '../network/pod/types.js';
import type { LocalPod } from '../network/types.js';
import type { ContainerInfo } from '../runtime/driver.js';
import { nextBackoff } from './backoff.js';
import { podName, podNamespace, podUid } from './ids.js';
import { attachingMessage, localPods, networksToRelease, networkWork, noPodRangeMessage, runnablePods, uidsWithContainers, type PlacedPod, type PodPlacement } from './network.js';
import type { RuntimeState } from './state.js';

export interface PodNetworkingOptions {
  net: PodNetwork;
  facts: () => PodNetworkFacts | undefined;
  state: RuntimeState;
  nodeName: string;
  now: () => number;
  log: (m: string) => void;
  events: EventSink;
  /** Runs a detach in the background; the loop waits for it and reconciles after. */
  background: (work: Promise<void>) => void;
  onLocalPodsChanged?: (pods: LocalPod[]) => void;
}

export interface PodNetworking {
  /** Where each pod runs, from what is attached now. */
  placement(facts: PodNetworkFacts | undefined): (pod: Pod) => PodPlacement;
  /** Before planning: the journal cleaned up once, then the pods about to start attached. */
  prepare(desired: Pod[], actual: ContainerInfo[]): Promise<void>;
  /** After applying: networks of pods that are neither runnable here nor hold containers go. */
  release(desired: Pod[], actual: ContainerInfo[]): void;
  /** The pods with their statuses, after each pass: calls onLocalPodsChanged when the list changed. */
  publish(placed: readonly PlacedPod[]): void;
  localPods(): LocalPod[];
}

export function createPodNetworking(o: PodNetworkingOptions): PodNetworking {
  const { net, state } = o;
  /** hostNetwork pods given a resolv.conf of their own. */
  const hostFiles = new Map<string, HostNetworkFiles>();
  const releasing = new Set<string>();
  // The journal is reconciled once, before the first attach, when the desired pods and the containers are known.
  let recovered = false;
  let local: LocalPod[] = [];
  let localJson: string | undefined;

  async function attach(pod: Pod, facts: PodNetworkFacts): Promise<void> {
    const uid = podUid(pod);
    try {
      await net.attach(pod, facts);
      state.network.delete(uid);
    } catch (e) {
      const message = (e as Error).message;
      const backoffMs = nextBackoff(state.network.get(uid)?.backoffMs ?? 0);
      state.network.set(uid, { message, backoffMs, retryAt: o.now() + backoffMs });
      o.events.emit(podEvents.sandboxFailed({ namespace: podNamespace(pod), name: podName(pod), uid }, message));
      o.log(`${message}; next try in ${backoffMs / 1000}s`);
    }
  }

  return {
    placement: (facts) => (pod) => {
      const uid = podUid(pod);
      if (pod.spec.hostNetwork) {
        const files = hostFiles.get(uid);
        return { type: 'host', ...(files ? { files } : {}) };
      }
      const attachment = net.attachment(uid);
      if (attachment) return { type: 'pod', attachment };
      if (!facts) return { type: 'waiting', message: noPodRangeMessage };
      return { type: 'waiting', message: state.network.get(uid)?.message ?? attachingMessage };
    },

    async prepare(desired, actual) {
      if (!recovered) {
        try {
          await net.reconcile({ wanted: new Set(runnablePods(desired, o.nodeName).map(podUid)), withContainers: uidsWithContainers(actual, o.nodeName) });
        } catch (e) {
          o.log(`pod network: cleaning up after the last run failed: ${(e as Error).message}`);
        }
        recovered = true;
      }
      const facts = o.facts();
      if (!facts) return;
      const work = networkWork(desired, actual, state, o.now(), { nodeName: o.nodeName, attached: (uid) => !!net.attachment(uid), hostPrepared: (uid) => hostFiles.has(uid) });
      for (const pod of work.hostFiles) {
        try {
          const files = await net.hostNetworkFiles(pod, facts);
          if (files) hostFiles.set(podUid(pod), files);
        } catch (e) {
          o.log(`pod ${podNamespace(pod)}/${podName(pod)}: cannot write its resolv.conf, it gets the node's: ${(e as Error).message}`);
        }
      }
      for (const pod of work.attach) await attach(pod, facts);
    },

    release(desired, actual) {
      if (!recovered) return;
      for (const uid of networksToRelease(net.uids(), desired, actual, o.nodeName)) {
        if (releasing.has(uid)) continue;
        releasing.add(uid);
        hostFiles.delete(uid);
        state.network.delete(uid);
        o.background(
          net
            .detach(uid)
            .catch((e: Error) => o.log(`pod network: ${e.message}; will retry`))
            .finally(() => releasing.delete(uid)),
        );
      }
    },

    publish(placed) {
      local = localPods(placed);
      const json = JSON.stringify(local);
      if (json === localJson) return;
      localJson = json;
      o.onLocalPodsChanged?.(local);
    },

    localPods: () => local,
  };
}
