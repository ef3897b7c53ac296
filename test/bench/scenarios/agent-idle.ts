/** A real `kedge agent` with pods running, left alone: RSS and CPU from /proc. */
import { join } from 'node:path';
import type { Scenario } from '../context.js';
import { containerdUnavailable } from '../containerd.js';
import { startAgent, startServer, waitFor } from '../kedge-process.js';
import { createPod, isRunning, listPods, nodeReady, sleeperPod } from '../pods.js';
import { MB, rssBreakdown, sampleRss, treeCpuDelta, treeCpuSeconds } from '../proc.js';
import { figure } from '../report.js';
import { summarize } from '../stats.js';

export const agentRssTargetMB = 50;
export const agentCpuTargetPercent = 0.5;

export const agentIdleScenario: Scenario = {
  name: 'agent-idle',
  title: 'real agent with pods running, idle: RSS and CPU sampled from /proc',
  unavailable: containerdUnavailable,
  async run(ctx) {
    const ctrd = await ctx.containerd();
    const main = await ctx.mainRuntime();
    const runtimes = await ctx.runtimes();
    const base = join(ctx.workDir, 'agent-idle');
    ctx.scope.defer('containers of agent-idle', () => ctrd.clear('kedge'));
    const server = await startServer({ runtime: main, dataDir: join(base, 'server'), disableAgent: true }, ctx.scope);
    // One agent per runtime, side by side on the same server, each with its own pods.
    const spawned = performance.now();
    const agents = runtimes.map((rt) => {
      const name = `idle-${rt.name}`;
      return { rt, name, proc: startAgent(rt, server, { name, dataDir: join(base, name), containerdAddress: ctrd.address }, ctx.scope) };
    });
    const readyMs = await Promise.all(
      agents.map((a) =>
        waitFor(`node ${a.name} Ready`, async () => (await nodeReady(server.client, a.name)) && performance.now() - spawned, 60_000, 50).catch((e: Error) => {
          throw new Error(`${e.message}\n${a.proc.output().slice(-3000)}`);
        }),
      ),
    );
    agents.forEach((a, i) => ctx.report(figure('agent-idle', `${a.rt.name}: agent start → node Ready`, readyMs[i]!, 'ms', undefined, 'first join (password hash on the server), containerd found, first heartbeat; agents started side by side')));
    for (const a of agents) {
      for (let i = 0; i < ctx.opts.agentPods; i++) await createPod(server.client, sleeperPod(`${a.name}-${i}`, { nodeName: a.name, labels: { node: a.name } }));
    }
    const total = agents.length * ctx.opts.agentPods;
    await waitFor(`${total} pods Running`, async () => (await listPods(server.client, 'kedge.io/bench=true')).filter(isRunning).length === total, 120_000);
    // Start-up work (first status reports, log keeper pass, exit stream) must not count as idle.
    await new Promise((r) => setTimeout(r, 10_000));

    const seconds = ctx.opts.agentSeconds;
    ctx.log(`sampling ${agents.length} agents with ${ctx.opts.agentPods} pods each for ${seconds} s`);
    const before = agents.map((a) => treeCpuSeconds(a.proc.pid)!);
    const samplers = agents.map((a) => sampleRss(a.proc.pid, 1000));
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const wall = (performance.now() - t0) / 1000;
    const after = agents.map((a) => treeCpuSeconds(a.proc.pid)!);
    const split = agents.map((a) => rssBreakdown(a.proc.pid));
    const details: Record<string, unknown> = { pods: ctx.opts.agentPods, seconds: wall };
    agents.forEach((a, i) => {
      const rss = samplers[i]!.stop().map((b) => b / MB);
      const cpu = treeCpuDelta(before[i]!, after[i]!);
      const s = summarize(rss);
      const rssTarget = { op: '<=' as const, value: agentRssTargetMB };
      const cpuTarget = { op: '<=' as const, value: agentCpuTargetPercent };
      ctx.report(figure('agent-idle', `RSS ${a.rt.name}, median`, s.p50, 'MB', rssTarget, `${ctx.opts.agentPods} pods, ${s.n} samples over ${Math.round(wall)} s`));
      const parts = split[i] ? `${split[i]!.anonMB.toFixed(1)} MB anonymous (heap, code), ${split[i]!.fileMB.toFixed(1)} MB file-backed (node binary, libraries)` : '';
      ctx.report(figure('agent-idle', `RSS ${a.rt.name}, max`, s.max, 'MB', rssTarget, parts));
      ctx.report(figure('agent-idle', `CPU ${a.rt.name}, agent process`, (100 * cpu.self) / wall, '% core', cpuTarget, `${cpu.self.toFixed(2)} s CPU in ${Math.round(wall)} s`));
      ctx.report(figure('agent-idle', `CPU ${a.rt.name}, with its ctr children`, (100 * cpu.tree) / wall, '% core', cpuTarget, `${cpu.tree.toFixed(2)} s CPU; containerd's own share not included`));
      details[a.rt.name] = { rssMB: rss, rssSplitMB: split[i], cpuSelfSeconds: cpu.self, cpuTreeSeconds: cpu.tree };
    });
    return details;
  },
};
