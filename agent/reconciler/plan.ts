import type { Container, Pod } from '../../shared/pod.js';
import { containerLabels, type ContainerInfo, type ContainerSpec } from '../runtime/driver.js';
import { planPodVolumes, type PlannedVolume } from '../volumes/plan.js';
import { containerId, podName, podNamespace, podUid } from './ids.js';
import { noConfigSources } from './sources.js';
import { buildContainerSpec, logPathOf, pullPolicy, shouldRestart, tryNormalize, volumeRootsFor, type SpecContext } from './spec.js';
import type { RuntimeState } from './state.js';

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

export type Action =
  /** Fetch an image; runs in the background so a slow pull does not hold up other pods. */
  | { type: 'pull'; image: string; for: { pod: PodRef; container: string }[] }
  /** Create and start; `volumes` (with their content) are made ready first. */
  | { type: 'create'; spec: ContainerSpec; pod: PodRef; volumes?: PlannedVolume[] }
  /** The pod asks for something the runtime cannot be given (e.g. a bad quantity, a missing Secret). */
  | { type: 'reject'; id: string; reason: string; message: string; pod: PodRef; container: string }
  | { type: 'restart'; id: string; logPath: string; pod: PodRef; container: string; volumes?: PlannedVolume[] }
  /** Stop (SIGTERM, SIGKILL after the grace period) and remove; in the background. */
  | { type: 'remove'; id: string; graceSeconds: number; pod: PodRef; container: string; why: 'not desired' | 'image changed' }
  /** The pod is being deleted: stop (SIGTERM, SIGKILL once its grace period is over) and keep the container until the pod goes. */
  | { type: 'stop'; id: string; graceSeconds: number; killAt: number; pod: PodRef; container: string };

const defaultGraceSeconds = 30;

/**
 * Desired pods vs the runtime's containers → what to do, as plain data the loop applies. Pure: the
 * clock, the remembered state and the image presence (state.present) are inputs. Containers of
 * other nodes (another agent sharing this containerd) are never touched.
 */
export function plan(desired: Pod[], actual: ContainerInfo[], state: RuntimeState, now: number, ctx: SpecContext): Action[] {
  const actions: Action[] = [];
  const ours = new Map(actual.filter((a) => a.labels[containerLabels.node] === ctx.nodeName).map((a) => [a.id, a]));
  const wanted = new Set<string>();
  const pulls = new Map<string, Extract<Action, { type: 'pull' }>>();

  for (const pod of desired) {
    if (pod.spec.nodeName && pod.spec.nodeName !== ctx.nodeName) continue;
    const ref: PodRef = { namespace: podNamespace(pod), name: podName(pod), uid: podUid(pod) };
    if (pod.metadata.deletionTimestamp) {
      actions.push(...planStops(pod, ref, ours, state, now));
      for (const c of pod.spec.containers) wanted.add(containerId(ref.uid, c.name));
      continue;
    }
    // Not on the pod network yet (no pod range, attach pending or failed): nothing may start.
    const offNetwork = ctx.placement?.(pod).type === 'waiting';
    // Planned once per pod and only when a container starts: it carries the ConfigMap and Secret content.
    let planned: PlannedVolume[] | undefined;
    const volumes = (): PlannedVolume[] | undefined => {
      if (!pod.spec.volumes?.length) return undefined;
      return (planned ??= planPodVolumes(pod, ctx.sources ?? noConfigSources, volumeRootsFor(ctx)));
    };
    /** A restart reuses the container's mounts: content it cannot refresh now (source deleted) stays as it was. */
    const restartVolumes = (): { volumes?: PlannedVolume[] } => {
      try {
        const v = volumes();
        return v ? { volumes: v } : {};
      } catch {
        return {};
      }
    };
    const planContainer = (c: Container, index: number, id: string): void => {
      if (state.busy.has(id)) return;
      const a = ours.get(id);
      const rec = state.containers.get(id);
      if (!a && rec?.createError && now < rec.createError.retryAt) return;
      const norm = tryNormalize(ctx, c.image);
      if ('error' in norm) {
        actions.push({ type: 'reject', id, reason: 'InvalidImageName', message: norm.error, pod: ref, container: c.name });
        return;
      }
      const image = norm.image;

      if (a) {
        const have = tryNormalize(ctx, a.image);
        if (('image' in have ? have.image : a.image) !== image) {
          actions.push({ type: 'remove', id, graceSeconds: pod.spec.terminationGracePeriodSeconds ?? defaultGraceSeconds, pod: ref, container: c.name, why: 'image changed' });
          return;
        }
        const status = a.task?.status;
        if (offNetwork) return;
        if (status === 'created') {
          // Created but never started (the agent died between the two steps).
          actions.push({ type: 'restart', id, logPath: logPathOf(ctx, pod, c.name, rec?.restartCount ?? 0), pod: ref, container: c.name, ...restartVolumes() });
          return;
        }
        if (status !== undefined && status !== 'stopped') return;
        if (!shouldRestart(pod.spec.restartPolicy, rec?.lastExit?.exitCode ?? null)) return;
        if (rec?.restartAt !== undefined && now < rec.restartAt) return;
        actions.push({ type: 'restart', id, logPath: logPathOf(ctx, pod, c.name, (rec?.restartCount ?? 0) + 1), pod: ref, container: c.name, ...restartVolumes() });
        return;
      }

      const policy = pullPolicy(c);
      const present = state.present.has(image);
      const img = state.images.get(image);
      const wantsPull = policy === 'Never' ? false : policy === 'Always' ? !present || !img?.attempted : !present;
      if (wantsPull) {
        const waiting = img?.pulling || (img?.retryAt !== undefined && now < img.retryAt);
        if (!waiting) {
          const pull = pulls.get(image);
          if (pull) pull.for.push({ pod: ref, container: c.name });
          else {
            const a: Extract<Action, { type: 'pull' }> = { type: 'pull', image, for: [{ pod: ref, container: c.name }] };
            pulls.set(image, a);
            actions.push(a);
          }
        }
        return;
      }
      if (!present) return; // imagePullPolicy Never: wait for an import
      if (offNetwork) return; // pulled meanwhile, created once attached
      try {
        const v = volumes();
        actions.push({ type: 'create', spec: buildContainerSpec(pod, index, ctx, rec?.restartCount ?? 0, v), pod: ref, ...(v ? { volumes: v } : {}) });
      } catch (e) {
        actions.push({ type: 'reject', id, reason: 'CreateContainerConfigError', message: (e as Error).message, pod: ref, container: c.name });
      }
    };
    pod.spec.containers.forEach((c, index) => {
      const id = containerId(ref.uid, c.name);
      wanted.add(id);
      try {
        planContainer(c, index, id);
      } catch (e) {
        // e.g. a log path the pod's names cannot make: this container waits, the others go on.
        actions.push({ type: 'reject', id, reason: 'CreateContainerConfigError', message: (e as Error).message, pod: ref, container: c.name });
      }
    });
  }

  for (const a of ours.values()) {
    if (wanted.has(a.id) || state.busy.has(a.id)) continue;
    const uid = a.labels[containerLabels.podUid] ?? '';
    const pod = state.pods.get(uid);
    actions.push({
      type: 'remove',
      id: a.id,
      graceSeconds: pod?.graceSeconds ?? labelledGrace(a) ?? defaultGraceSeconds,
      pod: { uid, namespace: a.labels[containerLabels.podNamespace] ?? pod?.namespace ?? '', name: a.labels[containerLabels.podName] ?? pod?.name ?? '' },
      container: a.labels[containerLabels.container] ?? a.id,
      why: 'not desired',
    });
  }
  return actions;
}

/** The grace period the container was created with, from its label; undefined when it has none (or a bad one). */
function labelledGrace(a: ContainerInfo): number | undefined {
  const text = a.labels[containerLabels.graceSeconds];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * A pod being deleted: nothing starts, restarts or pulls for it; each container still running is
 * stopped with what is left of the grace period (PodRecord.stopBy), then kept until the pod goes.
 * One already stopping is stopped again only if the grace period was cut short (a second delete).
 */
function planStops(pod: Pod, ref: PodRef, ours: ReadonlyMap<string, ContainerInfo>, state: RuntimeState, now: number): Action[] {
  const killAt = state.pods.get(ref.uid)?.stopBy ?? now;
  const graceSeconds = Math.max(0, Math.ceil((killAt - now) / 1000));
  const out: Action[] = [];
  for (const c of pod.spec.containers) {
    const id = containerId(ref.uid, c.name);
    const status = ours.get(id)?.task?.status;
    if (status === undefined || status === 'stopped') continue;
    if (state.busy.has(id) && !((state.killAt.get(id) ?? -Infinity) > killAt)) continue;
    out.push({ type: 'stop', id, graceSeconds, killAt, pod: ref, container: c.name });
  }
  return out;
}
