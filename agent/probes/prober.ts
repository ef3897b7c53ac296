/** Runs every container's probes on one timer wheel and reports what they decide. */
import type { Container } from '../../shared/pod.js';
import type { ProbeCheck, ProbeOutcome } from './check.js';
import { applyResult, initialProbeState, probeActive, probeView, type ContainerProbeState, type ProbeView } from './state.js';
import { probeKinds, probeSpec, type ProbeKind, type ProbeSpec } from './spec.js';
import { createTimerWheel, realTimers, type TimerDeps, type TimerWheel } from './wheel.js';

/** A running container the prober should watch; a new startedAt is a new run and starts over. */
export interface ProbeTarget {
  id: string;
  pod: { namespace: string; name: string; uid: string };
  container: Container;
  startedAt: number;
  /** Where httpGet and tcpSocket probes connect unless the probe names a host: the pod's IP on the pod network; default 127.0.0.1. */
  host?: string;
}

export interface ProberOptions {
  check: ProbeCheck;
  timers?: TimerDeps;
  wheel?: TimerWheel;
  /** Probes in flight at once (exec probes each spawn ctr; a Pi has four cores). */
  maxConcurrent?: number;
  /** ctr's own start-up time, not counted against an exec probe's timeoutSeconds. */
  execAllowanceMs?: number;
  /** started or ready changed for some container. */
  onChange(): void;
  /** Liveness or startup failed: kill the container. */
  onKill(t: ProbeTarget, kind: 'liveness' | 'startup', message: string, graceSeconds?: number): void;
  /** A probe failed (Unhealthy event). */
  onFailure(t: ProbeTarget, kind: ProbeKind, message: string): void;
  log?: (m: string) => void;
}

export interface Prober {
  /** The containers running now; probes of others stop. */
  sync(targets: readonly ProbeTarget[]): void;
  /** started/ready of this run of the container, or undefined when it has no probes (or another run is tracked). */
  view(id: string, startedAt: number | undefined): ProbeView | undefined;
  stop(): void;
}

interface Worker {
  target: ProbeTarget;
  specs: Partial<Record<ProbeKind, ProbeSpec>>;
  /** Probes that cannot run (e.g. an unknown named port): they fail every time, as in Kubernetes. */
  broken: Partial<Record<ProbeKind, string>>;
  state: ContainerProbeState;
  running: Set<ProbeKind>;
  /** Liveness or startup killed it: no more probes until the next run. */
  killed: boolean;
  gone: boolean;
}

export function createProber(o: ProberOptions): Prober {
  const timers = o.timers ?? realTimers;
  const wheel = o.wheel ?? createTimerWheel(timers);
  const maxConcurrent = o.maxConcurrent ?? 4;
  const execAllowance = o.execAllowanceMs ?? 2000;
  const log = o.log ?? (() => undefined);
  const workers = new Map<string, Worker>();
  const queue: { w: Worker; kind: ProbeKind }[] = [];
  let inFlight = 0;
  let stopped = false;

  const key = (w: Worker, kind: ProbeKind) => `${w.target.id}/${kind}`;

  function schedule(w: Worker, kind: ProbeKind, at: number): void {
    if (w.gone || w.killed || stopped) return;
    wheel.schedule(key(w, kind), at, () => enqueue(w, kind));
  }

  /** Schedules every probe that runs now (startup before started, the others after) at its first due time. */
  function scheduleActive(w: Worker): void {
    const now = timers.now();
    for (const kind of probeKinds) {
      const spec = w.specs[kind];
      if (!spec || !probeActive(w.state, kind) || w.running.has(kind)) continue;
      schedule(w, kind, Math.max(now, w.target.startedAt + spec.initialDelayMs));
    }
  }

  function enqueue(w: Worker, kind: ProbeKind): void {
    if (w.gone || w.killed || stopped || !probeActive(w.state, kind)) return;
    queue.push({ w, kind });
    drain();
  }

  function drain(): void {
    while (inFlight < maxConcurrent && queue.length) {
      const { w, kind } = queue.shift()!;
      if (w.gone || w.killed || w.running.has(kind)) continue;
      void runOne(w, kind);
    }
  }

  async function runOne(w: Worker, kind: ProbeKind): Promise<void> {
    const spec = w.specs[kind]!;
    inFlight++;
    w.running.add(kind);
    const startedAt = timers.now();
    let outcome: ProbeOutcome;
    try {
      const timeout = spec.timeoutMs + (spec.action.type === 'exec' ? execAllowance : 0);
      const broken = w.broken[kind];
      outcome = broken !== undefined ? { ok: false, message: broken } : await o.check(spec.action, w.target.id, timeout);
    } catch (e) {
      outcome = { ok: false, message: (e as Error).message };
    } finally {
      inFlight--;
      w.running.delete(kind);
    }
    if (!w.gone && !stopped) handle(w, kind, spec, outcome, startedAt);
    drain();
  }

  function handle(w: Worker, kind: ProbeKind, spec: ProbeSpec, outcome: ProbeOutcome, startedAt: number): void {
    if (!outcome.ok) o.onFailure(w.target, kind, outcome.message);
    const { state, decision } = applyResult(w.state, kind, spec, outcome.ok);
    const wasStarted = probeView(w.state).started;
    w.state = state;
    if (decision.type === 'kill') {
      w.killed = true;
      for (const k of probeKinds) wheel.cancel(key(w, k));
      o.onKill(w.target, kind as 'liveness' | 'startup', outcome.message, spec.graceSeconds);
      return;
    }
    // Periods count from the start of the last run; a slow probe runs again at once, never twice at a time.
    if (probeActive(w.state, kind)) schedule(w, kind, Math.max(timers.now(), startedAt + spec.periodMs));
    if (!wasStarted && probeView(w.state).started) scheduleActive(w);
    if (decision.type === 'changed') o.onChange();
  }

  function create(t: ProbeTarget): Worker | undefined {
    const specs: Worker['specs'] = {};
    const broken: Worker['broken'] = {};
    const state: ContainerProbeState = {};
    for (const kind of probeKinds) {
      try {
        const spec = probeSpec(t.container, kind, t.host);
        if (!spec) continue;
        specs[kind] = spec;
      } catch (e) {
        const p = t.container[`${kind}Probe`]!;
        log(`pod ${t.pod.namespace}/${t.pod.name}: ${(e as Error).message}`);
        broken[kind] = (e as Error).message;
        specs[kind] = {
          kind,
          action: { type: 'exec', command: [] },
          initialDelayMs: (p.initialDelaySeconds ?? 0) * 1000,
          periodMs: (p.periodSeconds ?? 10) * 1000,
          timeoutMs: 1000,
          successThreshold: 1,
          failureThreshold: p.failureThreshold ?? 3,
        };
      }
      state[kind] = initialProbeState(kind);
    }
    if (Object.keys(specs).length === 0) return undefined;
    return { target: t, specs, broken, state, running: new Set(), killed: false, gone: false };
  }

  function retire(w: Worker): void {
    w.gone = true;
    for (const k of probeKinds) wheel.cancel(key(w, k));
  }

  return {
    sync(targets) {
      if (stopped) return;
      const seen = new Set<string>();
      for (const t of targets) {
        seen.add(t.id);
        const cur = workers.get(t.id);
        if (cur && cur.target.startedAt === t.startedAt) continue;
        if (cur) retire(cur);
        const w = create(t);
        if (!w) {
          workers.delete(t.id);
          continue;
        }
        workers.set(t.id, w);
        scheduleActive(w);
      }
      for (const [id, w] of workers) {
        if (seen.has(id)) continue;
        retire(w);
        workers.delete(id);
      }
    },
    view(id, startedAt) {
      const w = workers.get(id);
      if (!w || w.target.startedAt !== startedAt) return undefined;
      return probeView(w.state);
    },
    stop() {
      stopped = true;
      for (const w of workers.values()) retire(w);
      workers.clear();
      queue.length = 0;
      wheel.stop();
    },
  };
}
