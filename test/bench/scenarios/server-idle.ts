/** RSS of an idle `kedge server`: with its local agent (no workloads) and with --disable-agent. */
import { join } from 'node:path';
import type { BenchContext, Scenario } from '../context.js';
import { startServer, waitFor, type Runtime } from '../kedge-process.js';
import { nodeReady } from '../pods.js';
import { MB, rssBreakdown, sampleRss } from '../proc.js';
import { figure } from '../report.js';
import { Scope } from '../scope.js';
import { summarize } from '../stats.js';

export const serverIdleTargetMB = 120;

async function idleRss(ctx: BenchContext, rt: Runtime, withAgent: boolean): Promise<{ mb: number[]; split: ReturnType<typeof rssBreakdown> }> {
  const scope = new Scope(ctx.log);
  try {
    const base = join(ctx.workDir, `idle-${rt.name}-${withAgent ? 'agent' : 'alone'}`);
    const nodeName = `idle-${rt.name}`;
    const containerdAddress = withAgent ? (await ctx.containerd()).address : undefined;
    const s = await startServer({ runtime: rt, dataDir: join(base, 'server'), disableAgent: !withAgent, containerdAddress, nodeName, agentDataDir: join(base, 'agent') }, scope);
    if (withAgent) {
      await waitFor(`node ${nodeName} Ready`, () => nodeReady(s.client, nodeName), 60_000);
    }
    // Let start-up work (first heartbeats, resyncs, the first GCs) pass before calling it idle.
    await new Promise((r) => setTimeout(r, 5000));
    const sampler = sampleRss(s.proc.pid, 1000);
    await new Promise((r) => setTimeout(r, ctx.opts.idleSeconds * 1000));
    const mb = sampler.stop().map((b) => b / MB);
    return { mb, split: rssBreakdown(s.proc.pid) };
  } finally {
    await scope.close();
  }
}

export const serverIdleScenario: Scenario = {
  name: 'server-idle',
  title: 'idle server RSS, with its local agent and with --disable-agent',
  async run(ctx) {
    const details: Record<string, unknown> = {};
    const runtimes = await ctx.runtimes();
    const target = { op: '<=' as const, value: serverIdleTargetMB };
    for (const withAgent of [true, false]) {
      const label = withAgent ? 'with local agent' : '--disable-agent';
      // Runtimes side by side: start-up contention does not change an idle RSS.
      const results = await Promise.all(runtimes.map(async (rt) => ({ rt, ...(await idleRss(ctx, rt, withAgent)) })));
      for (const { rt, mb, split } of results) {
        const s = summarize(mb);
        details[`${rt.name} ${label}`] = { rssMB: mb, rssSplitMB: split };
        ctx.report(figure('server-idle', `RSS ${rt.name}, ${label}, median`, s.p50, 'MB', target, `${s.n} samples over ${ctx.opts.idleSeconds} s`));
        const parts = split ? `${split.anonMB.toFixed(1)} MB anonymous, ${split.fileMB.toFixed(1)} MB file-backed` : '';
        ctx.report(figure('server-idle', `RSS ${rt.name}, ${label}, max`, s.max, 'MB', target, parts));
      }
    }
    return details;
  },
};
