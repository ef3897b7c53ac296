import type { ConfigMap, Secret } from '../../shared/configmap.js';
import type { Pod, PodStatus } from '../../shared/pod.js';
import type { PodStatusReport } from '../../shared/messages.js';
import type { PodNetwork, PodNetworkFacts } from '../network/pod/types.js';
import type { LocalPod } from '../network/types.js';
import { noEvents, type EventSink } from '../events/types.js';
import { podEvents } from '../events/wording.js';
import { createProbeCheck, type ProbeCheck } from '../probes/check.js';
import { createProber, type ProbeTarget } from '../probes/prober.js';
import { probeTitle } from '../probes/spec.js';
import { realTimers, type TimerDeps } from '../probes/wheel.js';
import { containerLabels, type ContainerInfo, type RuntimeDriver } from '../runtime/driver.js';
import type { VolumeManager } from '../volumes/manager.js';
import { apply } from './apply.js';
import { backoffEvents } from './backoff-events.js';
import { containerId, podName, podNamespace, podUid } from './ids.js';
import { observe } from './observe.js';
import type { PlacedPod } from './network.js';
import { createPodNetworking } from './networking.js';
import { plan, type PodRef } from './plan.js';
import { configSources, type ConfigSources } from './sources.js';
import { pullPolicy, tryNormalize } from './spec.js';
import { probeTargets } from './probe-targets.js';
import { refreshVolumes } from './refresh-volumes.js';
import { createRuntimeState, nextRetry, recordExit, type RuntimeState } from './state.js';
import { buildPodStatus, type StatusContext } from './status.js';

export type PodStatusEntry = PodStatusReport['pods'][number];

export interface ReconcilerOptions {
  driver: RuntimeDriver;
  nodeName: string;
  normalizeImage(ref: string): string;
  logPath: StatusContext['logPath'];
  /** The node's address, reported as hostIP and podIP (host networking). */
  hostIP: () => string;
  now?: () => number;
  log?: (msg: string) => void;
  /** Slow safety-net period; spawning ctr costs CPU on a Pi, so not shorter than a few seconds. */
  intervalMs?: number;
  /**
   * The safety net while the driver streams exits without a gap: then a listing only catches what
   * changed behind kedge's back (ctr by hand), and each one spawns ctr twice.
   */
  streamedIntervalMs?: number;
  /** Pod statuses that changed since last time. */
  onStatusChange?: (changed: PodStatusEntry[]) => void;
  /** A pod's last container is gone (its logs may go too). */
  onPodRemoved?: (pod: PodRef) => void;
  /** Pod volume directories (configMap, secret, emptyDir, hostPath); without it, pods with volumes wait. */
  volumes?: VolumeManager;
  /** Pulling, Created, Started, Killing, BackOff, Unhealthy… */
  events?: EventSink;
  /** How probes run (default: exec through the driver, HTTP and TCP from the node). */
  probeCheck?: ProbeCheck;
  /** Timers for probes and for waking up when a back-off ends (tests pass a fake clock). */
  timers?: TimerDeps;
  /** The pod network; without it every pod runs on the host's network. */
  podNetwork?: PodNetwork;
  /** This node's pod range and the cluster DNS; pods on the pod network wait while it is undefined. Call trigger() when it changes. */
  networkFacts?: () => PodNetworkFacts | undefined;
  /** The pods on the pod network with their address, readiness and host ports, each time that list changes. */
  onLocalPodsChanged?: (pods: LocalPod[]) => void;
}

export interface DesiredConfig {
  configMaps?: readonly ConfigMap[];
  secrets?: readonly Secret[];
}

export interface Reconciler {
  start(): void;
  /** Replaces the desired pod set (and the ConfigMaps and Secrets they use) and reconciles. */
  setDesired(pods: Pod[], config?: DesiredConfig): void;
  /** Asks for a reconcile; triggers while one runs are coalesced into one more run. */
  trigger(reason: string): void;
  /** Resolves when no reconcile and no background operation is running (tests, shutdown). */
  idle(): Promise<void>;
  /** The status of every desired pod, as last computed. */
  statuses(): PodStatusEntry[];
  /** The pods on the pod network, as last computed (ready as the agent knows it, not as the server last heard). */
  localPods(): LocalPod[];
  readonly state: RuntimeState;
  stop(): Promise<void>;
}

const defaultGraceSeconds = 30;

/** The agent's control loop: one reconcile at a time, on new desired state, exits, imports, probes and a slow timer. */
export function createReconciler(o: ReconcilerOptions): Reconciler {
  const now = o.now ?? Date.now;
  const log = o.log ?? (() => undefined);
  const events = o.events ?? noEvents;
  const timers = o.timers ?? realTimers;
  const state = createRuntimeState();
  let sources: ConfigSources = configSources();
  const prober = createProber({
    check: o.probeCheck ?? createProbeCheck({ exec: (id, args, timeoutMs) => o.driver.exec(id, args, timeoutMs) }),
    timers,
    onChange: () => trigger('probe result'),
    onKill: kill,
    onFailure: (t, kind, message) => events.emit(podEvents.unhealthy(t.pod, t.container.name, probeTitle(kind), message)),
    log,
  });
  const networking = o.podNetwork
    ? createPodNetworking({ net: o.podNetwork, facts: () => o.networkFacts?.(), state, nodeName: o.nodeName, now, log, events, background, ...(o.onLocalPodsChanged ? { onLocalPodsChanged: o.onLocalPodsChanged } : {}) })
    : undefined;
  const ctx = (): StatusContext => ({
    nodeName: o.nodeName,
    normalizeImage: o.normalizeImage,
    logPath: o.logPath,
    hostIP: o.hostIP(),
    sources,
    ...(o.volumes ? { volumeRoots: o.volumes.roots } : {}),
    ...(networking ? { placement: networking.placement(o.networkFacts?.()) } : {}),
    probeView: (id, startedAt) => prober.view(id, startedAt ?? NaN),
  });
  // null until a desired state is known (cache or server): an agent that knows nothing must not remove anything.
  let desiredNow: Pod[] | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  const inflight = new Set<Promise<void>>();
  const published = new Map<string, { json: string; status: PodStatus }>();
  let current: PodStatusEntry[] = [];
  let wake: { handle: unknown; at: number } | undefined;
  // When the last pass listed containers, and which exit stream was live then.
  let lastList: { at: number; stream: number | null } | undefined;

  /** One timer for the next back-off to end (restart, create or pull retry), so it is not left to the slow interval. */
  function scheduleWake(): void {
    const t = now();
    const at = nextRetry(state, t);
    if (wake && wake.at === at) return;
    if (wake) timers.clearTimer(wake.handle);
    wake = undefined;
    if (at === Infinity || stopped) return;
    wake = {
      at,
      handle: timers.setTimer(() => {
        wake = undefined;
        trigger('back-off ended');
      }, at - t),
    };
  }

  function background(work: Promise<void>): void {
    const p = work.finally(() => {
      inflight.delete(p);
      trigger('background operation finished');
    });
    inflight.add(p);
  }

  function onRemoved(pod: PodRef): void {
    void o.driver
      .list({ [containerLabels.node]: o.nodeName, [containerLabels.podUid]: pod.uid })
      .then(async (left) => {
        if (left.length > 0 || (desiredNow ?? []).some((p) => podUid(p) === pod.uid)) return;
        o.onPodRemoved?.(pod);
        await o.volumes?.remove(pod.uid);
      })
      .catch((e: Error) => log(`cleaning up after pod ${pod.namespace}/${pod.name}: ${e.message}`));
  }

  /** A failed liveness or startup probe: stop the task; the restart policy and back-off do the rest. */
  function kill(t: ProbeTarget, kind: 'liveness' | 'startup', message: string, probeGrace?: number): void {
    const rec = state.containers.get(t.id);
    if (stopped || !rec?.running || rec.startedAt !== t.startedAt || state.busy.has(t.id)) return;
    const graceSeconds = probeGrace ?? state.pods.get(t.pod.uid)?.graceSeconds ?? defaultGraceSeconds;
    const why = podEvents.probeKilling(t.pod, t.container.name, kind);
    rec.killMessage = why.message;
    events.emit(why);
    log(`container ${t.id}: ${kind} probe failed (${message}); stopping it`);
    state.busy.add(t.id);
    background(
      o.driver
        .stop(t.id, graceSeconds)
        .catch((e: Error) => log(`stopping container ${t.id}: ${e.message}`))
        .finally(() => state.busy.delete(t.id)),
    );
  }

  async function list(): Promise<ContainerInfo[] | null> {
    try {
      return await o.driver.list({ [containerLabels.node]: o.nodeName });
    } catch (e) {
      log(`reconcile: cannot list containers: ${(e as Error).message}`);
      return null;
    }
  }

  async function refreshImages(desired: Pod[], actual: ContainerInfo[]): Promise<void> {
    const have = new Set(actual.map((a) => a.id));
    const c = ctx();
    const refs = new Set<string>();
    for (const pod of desired) {
      for (const container of pod.spec.containers) {
        const id = containerId(podUid(pod), container.name);
        if (have.has(id) && pullPolicy(container) !== 'Always') continue;
        const norm = tryNormalize(c, container.image);
        if ('image' in norm) refs.add(norm.image);
      }
    }
    state.present.clear();
    for (const ref of refs) {
      if (state.images.get(ref)?.pulling) continue;
      try {
        if (await o.driver.imageExists(ref)) state.present.add(ref);
      } catch (e) {
        log(`reconcile: cannot check image ${ref}: ${(e as Error).message}`);
      }
    }
  }

  async function reconcileOnce(): Promise<void> {
    // One snapshot per pass: a desired state arriving mid-pass gets its own pass.
    const desired = desiredNow;
    if (!desired) return;
    lastList = { at: now(), stream: o.driver.exitStreamGeneration?.() ?? null };
    let actual = await list();
    if (!actual) return;
    observe(state, desired, actual, now(), o.nodeName);
    // Pods being deleted only stop: no images, back-offs or probes for them.
    const active = desired.filter((p) => !p.metadata.deletionTimestamp);
    await refreshImages(active, actual);
    // Attached before planning, so their containers are created in the pod's namespace.
    await networking?.prepare(desired, actual);
    const actions = plan(desired, actual, state, now(), ctx());
    if (actions.length) {
      await apply(actions, { driver: o.driver, state, now, log, background, onRemoved, volumes: o.volumes, events });
      actual = (await list()) ?? actual;
      observe(state, desired, actual, now(), o.nodeName);
    }
    for (const e of backoffEvents(active, state, now())) events.emit(e);
    const c = ctx();
    prober.sync(probeTargets(active, actual, state, c.placement));
    networking?.release(desired, actual);
    if (o.volumes) await refreshVolumes({ volumes: o.volumes, desired, actual, sources, keep: new Set([...state.pods.keys(), ...desired.map(podUid)]), log });
    publishStatuses(desired, actual);
    scheduleWake();
  }

  function publishStatuses(desired: Pod[], actual: ContainerInfo[]): void {
    const byId = new Map(actual.map((a) => [a.id, a]));
    const c = ctx();
    const changed: PodStatusEntry[] = [];
    const next: PodStatusEntry[] = [];
    const onNetwork: PlacedPod[] = [];
    const t = now();
    for (const pod of desired) {
      const uid = podUid(pod);
      const prev = published.get(uid)?.status ?? pod.status;
      const status = buildPodStatus(pod, byId, state, t, c, prev);
      onNetwork.push({ pod, status, placement: c.placement?.(pod) });
      const entry = { namespace: podNamespace(pod), name: podName(pod), uid, status };
      next.push(entry);
      const json = JSON.stringify(status);
      if (published.get(uid)?.json !== json) changed.push(entry);
      published.set(uid, { json, status });
    }
    for (const uid of published.keys()) if (!desired.some((p) => podUid(p) === uid)) published.delete(uid);
    current = next;
    if (changed.length) o.onStatusChange?.(changed);
    networking?.publish(onNetwork);
  }

  async function run(): Promise<void> {
    do {
      again = false;
      try {
        await reconcileOnce();
      } catch (e) {
        log(`reconcile failed: ${(e as Error).stack ?? String(e)}`);
      }
    } while (again && !stopped);
  }

  /** The timer's pass, skipped while the exit stream that was live at the last listing still is, for a while. */
  function onTimer(): void {
    const stream = o.driver.exitStreamGeneration?.() ?? null;
    const fresh = lastList && stream !== null && lastList.stream === stream && now() - lastList.at < (o.streamedIntervalMs ?? 60_000);
    if (!fresh) trigger('timer');
  }

  function trigger(_reason: string): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = run().finally(() => {
      running = null;
      // A trigger that came after the last pass decided to stop, but before this: one more pass.
      if (again && !stopped) trigger('coalesced');
    });
  }

  return {
    state,
    start() {
      unsubscribe = o.driver.onExit((e) => {
        recordExit(state, e, now());
        trigger(`container ${e.id} exited (${e.exitCode})`);
      });
      timer = setInterval(onTimer, o.intervalMs ?? 10_000);
      trigger('start');
    },
    setDesired(pods, config = {}) {
      desiredNow = pods;
      sources = configSources(config.configMaps, config.secrets);
      // A container waiting for a ConfigMap or Secret tries again now: this state may have brought it.
      for (const rec of state.containers.values()) if (rec.createError?.reason === 'CreateContainerConfigError') rec.createError.retryAt = 0;
      trigger('desired state');
    },
    trigger,
    async idle() {
      while (running || inflight.size) {
        await Promise.all([running, ...inflight]);
      }
    },
    statuses: () => current,
    localPods: () => networking?.localPods() ?? [],
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      unsubscribe?.();
      prober.stop();
      if (wake) timers.clearTimer(wake.handle);
      await running;
    },
  };
}
