import { describe, expect, it } from 'vitest';
import type { Container } from '../../shared/pod.js';
import type { ProbeOutcome } from './check.js';
import { createFakeTimers } from './testing/fake-timers.js';
import { createProber, type ProbeTarget } from './prober.js';
import type { ProbeAction } from './spec.js';

const pod = { namespace: 'default', name: 'web', uid: 'u1' };

function setup(answer: (action: ProbeAction, id: string, at: number) => ProbeOutcome | Promise<ProbeOutcome>, o: { maxConcurrent?: number } = {}) {
  const t = createFakeTimers(0);
  const calls: { id: string; cmd: string; at: number }[] = [];
  const kills: string[] = [];
  const failures: string[] = [];
  let changes = 0;
  const prober = createProber({
    timers: t.deps,
    maxConcurrent: o.maxConcurrent,
    check: async (action, id) => {
      calls.push({ id, cmd: action.type === 'exec' ? action.command.join(' ') : action.type, at: t.now() });
      return answer(action, id, t.now());
    },
    onChange: () => changes++,
    onKill: (target, kind, message, grace) => kills.push(`${target.id} ${kind} ${message} ${grace ?? '-'}`),
    onFailure: (target, kind, message) => failures.push(`${target.id} ${kind}: ${message}`),
  });
  return { t, prober, calls, kills, failures, changes: () => changes };
}

const target = (c: Partial<Container>, startedAt = 0, id = 'u1-web'): ProbeTarget => ({ id, pod, container: { name: 'web', image: 'i', ...c }, startedAt });
const exec = (...command: string[]) => ({ exec: { command } });

describe('prober', () => {
  it('readiness: waits initialDelaySeconds, probes every periodSeconds, not ready until it passes', async () => {
    let file = false;
    const { t, prober, calls, changes } = setup(() => ({ ok: file, message: file ? '' : 'no file' }));
    const tg = target({ readinessProbe: { ...exec('test', '-f', '/tmp/ready'), initialDelaySeconds: 2, periodSeconds: 3 } });
    prober.sync([tg]);
    expect(prober.view(tg.id, 0)).toEqual({ started: true, ready: false });
    await t.advance(1999);
    expect(calls).toEqual([]);
    await t.advance(1);
    expect(calls.map((c) => c.at)).toEqual([2000]);
    await t.advance(6000);
    expect(calls.map((c) => c.at)).toEqual([2000, 5000, 8000]);
    expect(prober.view(tg.id, 0)?.ready).toBe(false);
    file = true;
    await t.advance(3000);
    expect(prober.view(tg.id, 0)?.ready).toBe(true);
    expect(changes()).toBe(1);
    expect(prober.view(tg.id, 1)).toBeUndefined(); // another run of the container
    prober.stop();
  });

  it('liveness: failureThreshold failures in a row kill the container once, with the probe grace period', async () => {
    const { t, prober, calls, kills, failures } = setup(() => ({ ok: false, message: 'boom' }));
    prober.sync([target({ livenessProbe: { ...exec('check'), periodSeconds: 1, failureThreshold: 2, terminationGracePeriodSeconds: 4 } })]);
    await t.advance(10_000);
    expect(calls).toHaveLength(2);
    expect(failures).toEqual(['u1-web liveness: boom', 'u1-web liveness: boom']);
    expect(kills).toEqual(['u1-web liveness boom 4']);
    // The restarted container is a new run: probing starts over.
    prober.sync([target({ livenessProbe: { ...exec('check'), periodSeconds: 1, failureThreshold: 2 } }, t.now())]);
    await t.advance(0);
    expect(calls).toHaveLength(3);
    await t.advance(1000);
    expect(calls).toHaveLength(4);
    prober.stop();
  });

  it('startup gates liveness and readiness; readiness then runs on its own period', async () => {
    let started = false;
    const { t, prober, calls } = setup((a) => ({ ok: a.type === 'exec' && a.command[0] === 'startup' ? started : true, message: '' }));
    const tg = target({
      startupProbe: { ...exec('startup'), periodSeconds: 1, failureThreshold: 30 },
      livenessProbe: { ...exec('live'), periodSeconds: 5 },
      readinessProbe: { ...exec('ready'), periodSeconds: 2 },
    });
    prober.sync([tg]);
    await t.advance(3000);
    expect(calls.map((c) => c.cmd)).toEqual(['startup', 'startup', 'startup', 'startup']);
    expect(prober.view(tg.id, 0)).toEqual({ started: false, ready: false });
    started = true;
    await t.advance(1000);
    expect(prober.view(tg.id, 0)).toEqual({ started: true, ready: true });
    const after = calls.slice(5).map((c) => `${c.cmd}@${c.at}`);
    expect(after).toEqual(['live@4000', 'ready@4000']);
    await t.advance(4000);
    expect(calls.filter((c) => c.cmd === 'startup')).toHaveLength(5);
    expect(calls.filter((c) => c.cmd === 'ready').map((c) => c.at)).toEqual([4000, 6000, 8000]);
    expect(calls.filter((c) => c.cmd === 'live').map((c) => c.at)).toEqual([4000]);
    prober.stop();
  });

  it('a startup probe that never passes kills the container', async () => {
    const { t, prober, kills } = setup(() => ({ ok: false, message: 'not yet' }));
    prober.sync([target({ startupProbe: { ...exec('s'), periodSeconds: 1, failureThreshold: 3 }, livenessProbe: exec('l') })]);
    await t.advance(5000);
    expect(kills).toEqual(['u1-web startup not yet -']);
    prober.stop();
  });

  it('limits probes in flight and never runs one probe twice at once', async () => {
    const resolvers: (() => void)[] = [];
    const { t, prober, calls } = setup(() => new Promise<ProbeOutcome>((r) => resolvers.push(() => r({ ok: true, message: '' }))), { maxConcurrent: 2 });
    prober.sync([1, 2, 3].map((i) => target({ readinessProbe: { ...exec(`p${i}`), periodSeconds: 1 } }, 0, `c${i}`)));
    await t.advance(5000);
    expect(calls.map((c) => c.cmd)).toEqual(['p1', 'p2']);
    resolvers.shift()!();
    await t.advance(0);
    expect(calls.map((c) => c.cmd)).toEqual(['p1', 'p2', 'p3']);
    prober.stop();
  });

  it('stops probing containers that are gone, and containers without probes cost nothing', async () => {
    const { t, prober, calls } = setup(() => ({ ok: true, message: '' }));
    prober.sync([target({ readinessProbe: exec('r') }), target({}, 0, 'plain')]);
    expect(prober.view('plain', 0)).toBeUndefined();
    await t.advance(10_000);
    const n = calls.length;
    prober.sync([]);
    await t.advance(60_000);
    expect(calls.length).toBe(n);
    expect(t.pending()).toBe(0);
  });

  it('a probe naming an unknown port fails with that reason', async () => {
    const { t, prober, failures } = setup(() => ({ ok: true, message: '' }));
    prober.sync([target({ readinessProbe: { httpGet: { port: 'http' } } })]);
    await t.advance(0);
    expect(failures).toEqual(['u1-web readiness: readinessProbe of container web.httpGet.port: container web has no port named "http"']);
    prober.stop();
  });
});

describe('prober targets', () => {
  it('connects to the target host (the pod IP) unless the probe names its own', async () => {
    const seen: string[] = [];
    const { t, prober } = setup((action) => {
      if (action.type !== 'exec') seen.push(`${action.type} ${action.host}:${action.port}`);
      return { ok: true, message: '' };
    });
    prober.sync([
      { ...target({ readinessProbe: { httpGet: { port: 80 } } }, 0, 'a'), host: '10.42.3.7' },
      { ...target({ readinessProbe: { tcpSocket: { port: 53, host: '10.42.3.9' } } }, 0, 'b'), host: '10.42.3.7' },
      target({ readinessProbe: { tcpSocket: { port: 22 } } }, 0, 'c'),
    ]);
    await t.advance(1);
    expect(seen.sort()).toEqual(['http 10.42.3.7:80', 'tcp 10.42.3.9:53', 'tcp 127.0.0.1:22']);
  });
});
