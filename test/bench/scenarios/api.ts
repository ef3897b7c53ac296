/** Pods created through the HTTPS API by concurrent clients: latency and throughput. */
import { join } from 'node:path';
import type { BenchContext, Scenario } from '../context.js';
import { runPool } from '../http.js';
import { startServer } from '../kedge-process.js';
import { sleeperPod } from '../pods.js';
import { MB, cpuTimes, rssBytes } from '../proc.js';
import { figure } from '../report.js';
import { Scope } from '../scope.js';
import { summarize } from '../stats.js';

export const apiP99TargetMs = 50;
/** A run that has not finished by then is cut short and reported as such. */
const deadlineMs = 120_000;

/** --cpu-prof for a server when --profile is given (written when it exits cleanly). */
export function profileSpawn(ctx: BenchContext, name: string): { nodeArgs: string[] } | undefined {
  if (!ctx.opts.profile) return undefined;
  return { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${join(ctx.resultsDir, 'profiles')}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] };
}

type Variant = 'bound' | 'pending';

/** 5,000 pods over 100 nodes: 50 a node, a dense but possible edge node. */
const absentNodes = 100;

const variantNote: Record<Variant, string> = {
  bound: `pods carry spec.nodeName of one of ${absentNodes} nodes that never join: API, store and the desired-state publisher`,
  pending: 'unscheduled pods and no nodes: adds the scheduler controller (Unschedulable status, FailedScheduling events)',
};

async function createPods(ctx: BenchContext, variant: Variant) {
  const rt = await ctx.mainRuntime();
  const { apiPods: total, apiClients: clients } = ctx.opts;
  const scope = new Scope(ctx.log);
  try {
    const server = await startServer({ runtime: rt, dataDir: join(ctx.workDir, `api-${variant}`, 'server'), disableAgent: true, connections: clients, spawn: profileSpawn(ctx, `api-${variant}`) }, scope);
    const latencies: number[] = [];
    let failures = 0;
    let firstError = '';
    const cpu0 = cpuTimes(server.proc.pid)!;
    const t0 = performance.now();
    const deadline = t0 + deadlineMs;
    let started = 0;
    await runPool(total, clients, async (i) => {
      if (performance.now() > deadline) return;
      started++;
      const pod = sleeperPod(`api-${i}`, variant === 'bound' ? { nodeName: `api-node-${i % absentNodes}` } : {});
      try {
        const r = await server.client.request('POST', '/api/v1/namespaces/default/pods', pod);
        latencies.push(r.ms);
        if (r.status !== 201 && r.status !== 200) {
          failures++;
          firstError ||= `HTTP ${r.status}: ${r.text.slice(0, 200)}`;
        }
      } catch (e) {
        failures++;
        latencies.push(performance.now() - t0);
        firstError ||= (e as Error).message;
      }
    });
    const wall = (performance.now() - t0) / 1000;
    const cpu1 = cpuTimes(server.proc.pid)!;
    const rss = (rssBytes(server.proc.pid) ?? NaN) / MB;
    return { latencies, failures, firstError, wall, cpuSeconds: cpu1.self - cpu0.self, rss, started, cutShort: started < total };
  } finally {
    await scope.close();
  }
}

export const apiScenario: Scenario = {
  name: 'api',
  title: 'create pods through HTTPS with concurrent clients: latency p50/p99 and throughput',
  async run(ctx) {
    const details: Record<string, unknown> = {};
    for (const variant of ['bound', 'pending'] as const) {
      const r = await createPods(ctx, variant);
      const s = summarize(r.latencies);
      const tenth = Math.max(1, Math.floor(r.latencies.length / 10));
      const first = summarize(r.latencies.slice(0, tenth));
      const last = summarize(r.latencies.slice(-tenth));
      const size = `${r.started}${r.cutShort ? ` of ${ctx.opts.apiPods} (cut short after ${deadlineMs / 1000} s)` : ''} creates, ${ctx.opts.apiClients} clients; ${variantNote[variant]}`;
      ctx.report(figure('api', `${variant}: create latency p50`, s.p50, 'ms', undefined, size));
      ctx.report(figure('api', `${variant}: create latency p99`, s.p99, 'ms', { op: '<=', value: apiP99TargetMs }, `max ${Math.round(s.max)} ms; first tenth p99 ${Math.round(first.p99)} ms, last tenth ${Math.round(last.p99)} ms`));
      ctx.report(figure('api', `${variant}: throughput`, r.latencies.length / r.wall, 'creates/s', undefined, `${r.wall.toFixed(1)} s; server CPU ${((r.cpuSeconds / r.wall) * 100).toFixed(0)} % of a core; RSS after ${r.rss.toFixed(0)} MB`));
      if (r.failures) ctx.report(figure('api', `${variant}: failed creates`, r.failures, '', { op: '<=', value: 0 }, r.firstError));
      details[variant] = { latencyMs: s, firstTenth: first, lastTenth: last, wallSeconds: r.wall, failures: r.failures, serverCpuSeconds: r.cpuSeconds, rssMB: r.rss, created: r.latencies.length, cutShort: r.cutShort };
    }
    return details;
  },
};
