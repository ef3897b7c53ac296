import type { ContainerStatus, Pod } from '../../shared/pod.js';
import { containerLabels, type ContainerInfo } from '../runtime/driver.js';
import { containerId, podName, podNamespace, podUid } from './ids.js';
import { containerRecord, recordExit, type RuntimeState } from './state.js';

const defaultGraceSeconds = 30;

/**
 * Brings the remembered state up to date with the desired pods and the runtime's listing before
 * planning: new pods get a start time, containers found running or stopped without us seeing it
 * (agent restart, missed event) get a record. The server's copy of a pod's status seeds restart counts.
 */
export function observe(state: RuntimeState, desired: Pod[], actual: ContainerInfo[], now: number, nodeName: string): void {
  const reported = new Map<string, ContainerStatus>();
  const desiredIds = new Set<string>();
  const desiredUids = new Set<string>();
  for (const pod of desired) {
    const uid = podUid(pod);
    desiredUids.add(uid);
    const graceSeconds = pod.spec.terminationGracePeriodSeconds ?? defaultGraceSeconds;
    let rec = state.pods.get(uid);
    if (rec) rec.graceSeconds = graceSeconds;
    else {
      const reportedStart = pod.status?.startTime ? Date.parse(pod.status.startTime) : NaN;
      rec = { namespace: podNamespace(pod), name: podName(pod), startTime: Number.isFinite(reportedStart) ? reportedStart : now, graceSeconds };
      state.pods.set(uid, rec);
    }
    if (pod.metadata.deletionTimestamp) {
      // The grace period counts on this node's clock from when it first heard (a Pi's clock may be off); a shorter one given later wins.
      const grace = Math.max(0, pod.metadata.deletionGracePeriodSeconds ?? graceSeconds);
      rec.stopBy = Math.min(rec.stopBy ?? Infinity, now + grace * 1000);
    }
    for (const c of pod.spec.containers) {
      const id = containerId(uid, c.name);
      desiredIds.add(id);
      const prev = pod.status?.containerStatuses?.find((s) => s.name === c.name);
      if (prev) reported.set(id, prev);
    }
  }

  const actualIds = new Set<string>();
  for (const a of actual) {
    if (a.labels[containerLabels.node] !== nodeName || state.busy.has(a.id)) continue;
    actualIds.add(a.id);
    const known = state.containers.has(a.id);
    const rec = containerRecord(state, a.id);
    const prev = reported.get(a.id);
    if (!known && prev) rec.restartCount = prev.restartCount;
    const status = a.task?.status;
    if (status === 'running' || status === 'paused') {
      if (!rec.running) {
        const reportedStart = prev?.state.running?.startedAt ? Date.parse(prev.state.running.startedAt) : NaN;
        rec.running = true;
        rec.startedAt = !known && Number.isFinite(reportedStart) ? reportedStart : now;
      }
    } else if (status === undefined || status === 'stopped') {
      if (rec.running) recordExit(state, { id: a.id, exitCode: null }, now);
      else if (!rec.lastExit) {
        // Stopped while the agent was away: the exit code is lost; restart without a back-off.
        rec.lastExit = { exitCode: null, finishedAt: now };
        rec.restartAt = now;
      }
    }
  }

  for (const id of state.containers.keys()) {
    if (!desiredIds.has(id) && !actualIds.has(id) && !state.busy.has(id)) state.containers.delete(id);
  }
  for (const uid of state.pods.keys()) {
    if (desiredUids.has(uid)) continue;
    const hasContainers = actual.some((a) => a.labels[containerLabels.podUid] === uid && a.labels[containerLabels.node] === nodeName);
    if (!hasContainers) state.pods.delete(uid);
  }
}
