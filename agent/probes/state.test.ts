import { describe, expect, it } from 'vitest';
import { applyResult, initialProbeState, observe, probeActive, probeView, type ContainerProbeState } from './state.js';
import type { ProbeSpec } from './spec.js';

const spec = (kind: ProbeSpec['kind'], successThreshold = 1, failureThreshold = 3): ProbeSpec => ({
  kind, action: { type: 'exec', command: ['true'] }, initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1000, successThreshold, failureThreshold,
});

describe('probe state machine', () => {
  it('needs successThreshold successes in a row, and failureThreshold failures in a row', () => {
    const s = spec('readiness', 2, 3);
    let st = initialProbeState('readiness');
    expect(st.result).toBe(false);
    for (const [ok, want] of [[true, false], [false, false], [true, false], [true, true], [false, true], [false, true], [true, true], [false, true], [false, true], [false, false], [true, false], [true, true]] as const) {
      st = observe(st, s, ok);
      expect(st.result).toBe(want);
    }
  });

  it('liveness starts healthy and asks for a kill on the failureThreshold-th failure in a row, only once', () => {
    const s = spec('liveness', 1, 3);
    let st: ContainerProbeState = { liveness: initialProbeState('liveness') };
    expect(probeView(st)).toEqual({ started: true, ready: true });
    const decisions: string[] = [];
    for (const ok of [false, false, true, false, false, false]) {
      const r = applyResult(st, 'liveness', s, ok);
      st = r.state;
      decisions.push(r.decision.type);
    }
    expect(decisions).toEqual(['none', 'none', 'none', 'none', 'none', 'kill']);
    expect(applyResult(st, 'liveness', s, false).decision.type).toBe('none');
  });

  it('startup gates liveness and readiness, and kills after failureThreshold failures', () => {
    const s = spec('startup', 1, 2);
    let st: ContainerProbeState = { startup: initialProbeState('startup'), liveness: initialProbeState('liveness'), readiness: initialProbeState('readiness') };
    expect(probeView(st)).toEqual({ started: false, ready: false });
    expect(probeActive(st, 'startup')).toBe(true);
    expect(probeActive(st, 'liveness')).toBe(false);
    expect(probeActive(st, 'readiness')).toBe(false);
    let r = applyResult(st, 'startup', s, true);
    expect(r.decision.type).toBe('changed');
    st = r.state;
    expect(probeView(st)).toEqual({ started: true, ready: false });
    expect(probeActive(st, 'startup')).toBe(false);
    expect(probeActive(st, 'liveness')).toBe(true);
    r = applyResult(st, 'readiness', spec('readiness'), true);
    expect(r.decision.type).toBe('changed');
    expect(probeView(r.state)).toEqual({ started: true, ready: true });

    let failing: ContainerProbeState = { startup: initialProbeState('startup') };
    r = applyResult(failing, 'startup', s, false);
    expect(r.decision.type).toBe('none');
    failing = r.state;
    expect(applyResult(failing, 'startup', s, false).decision.type).toBe('kill');
  });

  it('readiness alone: ready flips both ways and reports a change each time', () => {
    const s = spec('readiness', 1, 1);
    let st: ContainerProbeState = { readiness: initialProbeState('readiness') };
    const seen: string[] = [];
    for (const ok of [false, true, true, false, false, true]) {
      const r = applyResult(st, 'readiness', s, ok);
      st = r.state;
      seen.push(`${r.decision.type}:${probeView(st).ready}`);
    }
    expect(seen).toEqual(['none:false', 'changed:true', 'none:true', 'changed:false', 'none:false', 'changed:true']);
  });
});
