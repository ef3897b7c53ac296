/** The probe state machine: results → started / ready / kill decisions. Pure; the prober feeds it. */
import type { ProbeKind, ProbeSpec } from './spec.js';

export interface ProbeState {
  /** The probe's verdict so far: liveness starts true, readiness and startup false (as in Kubernetes). */
  result: boolean;
  successes: number;
  failures: number;
}

export function initialProbeState(kind: ProbeKind): ProbeState {
  return { result: kind === 'liveness', successes: 0, failures: 0 };
}

/** One result: `successThreshold` consecutive successes make it true, `failureThreshold` consecutive failures false. */
export function observe(state: ProbeState, spec: Pick<ProbeSpec, 'successThreshold' | 'failureThreshold'>, ok: boolean): ProbeState {
  if (ok) {
    const successes = state.successes + 1;
    return { result: state.result || successes >= spec.successThreshold, successes, failures: 0 };
  }
  const failures = state.failures + 1;
  return { result: state.result && failures < spec.failureThreshold, successes: 0, failures };
}

/** A container's probes for one run of it (a restart starts over). */
export interface ContainerProbeState {
  startup?: ProbeState;
  liveness?: ProbeState;
  readiness?: ProbeState;
}

export interface ProbeView {
  /** The startup probe passed (or there is none): the other probes run, the container may be ready. */
  started: boolean;
  ready: boolean;
}

export function probeView(s: ContainerProbeState): ProbeView {
  const started = !s.startup || s.startup.result;
  return { started, ready: started && (!s.readiness || s.readiness.result) };
}

/** Whether a probe of this kind runs now: startup until it passes, the others only after it. */
export function probeActive(s: ContainerProbeState, kind: ProbeKind): boolean {
  if (!s[kind]) return false;
  const started = !s.startup || s.startup.result;
  return kind === 'startup' ? !started : started;
}

export type ProbeDecision =
  | { type: 'none' }
  /** started or ready flipped: the pod's status changes. */
  | { type: 'changed' }
  /** Liveness failed, or startup failed: kill the container (the restart policy does the rest). */
  | { type: 'kill' };

/** Applies a result to the container's state; what the kubelet would do about it. */
export function applyResult(s: ContainerProbeState, kind: ProbeKind, spec: ProbeSpec, ok: boolean): { state: ContainerProbeState; decision: ProbeDecision } {
  const before = s[kind];
  if (!before) return { state: s, decision: { type: 'none' } };
  const after = observe(before, spec, ok);
  const state = { ...s, [kind]: after };
  const livenessFailed = kind === 'liveness' && before.result && !after.result;
  const startupFailed = kind === 'startup' && !after.result && after.failures >= spec.failureThreshold;
  if (livenessFailed || startupFailed) return { state, decision: { type: 'kill' } };
  const a = probeView(s);
  const b = probeView(state);
  return { state, decision: a.started !== b.started || a.ready !== b.ready ? { type: 'changed' } : { type: 'none' } };
}
