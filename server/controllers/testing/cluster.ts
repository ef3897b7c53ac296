import type { Deployment } from '../../../shared/deployment.js';
import type { KObject } from '../../../shared/meta.js';
import { isPodReady, type Pod } from '../../../shared/pod.js';
import { networkClaims } from '../../network/claims.js';
import type { NetworkSettings } from '../../network/settings.js';
import { applyPodStatusReport } from '../../nodes/pod-status.js';
import { openStore } from '../../store/store.js';
import type { Store } from '../../store/types.js';
import { startControllers } from '../manager.js';

/** Builders and a simulated cluster for controller tests: an in-memory store, a fake clock, fake agents. */
export function fakeClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let t = start;
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
  };
}

/** A seeded PRNG so generated names repeat from run to run. */
export function seededRandom(seed = 1): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A controller test cluster. Its nodes stop a pod being deleted as soon as the controllers settle
 * (as a quick agent would, through the same status report path); `nodesStopPods: false` leaves such
 * pods Terminating so a test can look at them.
 */
export function testCluster(o: { network?: NetworkSettings; apiEndpoint?: { ip: string; port: number }; nodesStopPods?: boolean } = {}) {
  const clock = fakeClock();
  const store = openStore(':memory:', { now: clock.now, claims: networkClaims });
  store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  const events: { kind: string; name: string; type: string; reason: string; message: string }[] = [];
  const recorder = { record: (o: { kind: string; name: string }, type: string, reason: string, message: string) => void events.push({ kind: o.kind, name: o.name, type, reason, message }) };
  /** What the controllers published over MQTT, in order. */
  const published: { topic: string; payload: string; retain: boolean; qos: number }[] = [];
  const publish = async (topic: string, payload: string, opts: { retain: boolean; qos: 0 | 1 }) => void published.push({ topic, payload, ...opts });
  const controllers = startControllers({ store, publish, now: clock.now, random: seededRandom(), resyncMs: 3_600_000, log: () => {}, events: recorder, ...o });
  const pods = () => store.list('Pod', { namespace: 'default' }).items as Pod[];
  const get = <T extends KObject>(kind: string, name: string) => store.get(kind, 'default', name) as T | undefined;

  /** What an agent would report: the pod runs and is Ready (at the fake clock's time). */
  function markReady(p: Pod) {
    const t = clock.now().toISOString();
    const fresh = store.get('Pod', 'default', p.metadata.name!) as Pod | undefined;
    if (!fresh) return;
    store.update(
      { ...fresh, status: { ...fresh.status, phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True', lastTransitionTime: t }] } },
      { subresource: 'status' },
    );
  }
  const isReady = isPodReady;

  /** What a node reports once it has stopped a pod being deleted; the server then removes the pod. Returns how many it stopped. */
  function stopTerminating(): number {
    const onNodes = store.list('Node').items.flatMap((n) => store.list('Pod', { fields: { 'spec.nodeName': n.metadata.name! } }).items as Pod[]);
    const going = onNodes.filter((p) => p.metadata.deletionTimestamp && (p.metadata.deletionGracePeriodSeconds ?? 0) > 0);
    for (const p of going) {
      const terminated = { terminated: { exitCode: 143, reason: 'Error' } };
      const containerStatuses = p.spec.containers.map((c) => ({ name: c.name, image: c.image, ready: false, restartCount: 0, state: terminated }));
      const status = { ...p.status, phase: 'Failed' as const, containerStatuses };
      applyPodStatusReport(store, p.spec.nodeName!, { node: p.spec.nodeName!, pods: [{ namespace: p.metadata.namespace!, name: p.metadata.name!, uid: p.metadata.uid!, status }] });
    }
    return going.length;
  }

  async function settle() {
    for (let i = 0; i < 50; i++) {
      await controllers.idle();
      if (o.nodesStopPods === false || stopTerminating() === 0) return;
    }
    throw new Error('pods being deleted did not settle');
  }

  return {
    store,
    clock,
    /** Events the controllers recorded. */
    events,
    published,
    controllers,
    pods,
    get,
    markReady,
    isReady,
    /** Bound pods that are not Ready yet. */
    unready: () => pods().filter((p) => p.spec.nodeName && !isReady(p)),
    /** Runs the controllers (and the nodes stopping deleted pods, unless told not to) until nothing is left to do. */
    settle,
    stopTerminating,
    /** Settles, then lets every bound pod become Ready, until nothing changes (a healthy cluster). */
    async converge(max = 50) {
      for (let i = 0; i < max; i++) {
        await settle();
        const todo = pods().filter((p) => p.spec.nodeName && !isReady(p));
        if (!todo.length) return;
        todo.forEach(markReady);
      }
      throw new Error('did not converge');
    },
    stop: () => controllers.stop(),
  };
}

export function deploymentOf(o: { name?: string; replicas?: number; image?: string; strategy?: Deployment['spec']['strategy']; minReadySeconds?: number; progressDeadlineSeconds?: number; revisionHistoryLimit?: number } = {}): Deployment {
  const name = o.name ?? 'web';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: o.image ?? 'web:v1' }] } },
      ...(o.strategy ? { strategy: o.strategy } : {}),
      ...(o.minReadySeconds !== undefined ? { minReadySeconds: o.minReadySeconds } : {}),
      ...(o.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: o.progressDeadlineSeconds } : {}),
      ...(o.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: o.revisionHistoryLimit } : {}),
    },
  };
}

/** The Deployment with another image (a new template, so a rollout). */
export function withImage(d: Deployment, image: string): Deployment {
  const t = d.spec.template;
  return { ...d, spec: { ...d.spec, template: { ...t, spec: { ...t.spec, containers: t.spec.containers.map((c) => ({ ...c, image })) } } } };
}

export type TestCluster = ReturnType<typeof testCluster>;
export type { Store };
