/** Pod created through the API → Running, against the same image started by bare `ctr run`, interleaved. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Scenario } from '../context.js';
import { bareNamespace, containerdUnavailable } from '../containerd.js';
import { startServer, waitFor } from '../kedge-process.js';
import { createPod, isRunning, nodeReady, sleeperPod } from '../pods.js';
import { figure } from '../report.js';
import { summarize } from '../stats.js';
import { watchPods } from '../watch.js';

export const overBareTargetMs = 300;
export const applyP99TargetMs = 1000;

/** `ctr run -d` of the image, timed from spawn to exit (the task is running when it returns). */
function bareRun(address: string, image: string, id: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('ctr', ['-a', address, '-n', bareNamespace, 'run', '-d', '--net-host', image, id, 'sleep', '1000000'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`ctr run ${id}: exit ${code}: ${err}`))));
  });
}

export const applyRunningScenario: Scenario = {
  name: 'apply-running',
  title: 'pod create → Running on real containerd, interleaved with bare `ctr run` of the same image',
  unavailable: containerdUnavailable,
  async run(ctx) {
    const ctrd = await ctx.containerd();
    const rt = await ctx.mainRuntime();
    const base = join(ctx.workDir, 'apply');
    const nodeName = 'apply-0';
    ctx.scope.defer('containers of apply-running', () => {
      ctrd.clear('kedge');
      ctrd.clear(bareNamespace);
    });
    // The product as installed: `kedge server` with its own node.
    const server = await startServer({ runtime: rt, dataDir: join(base, 'server'), containerdAddress: ctrd.address, nodeName, agentDataDir: join(base, 'agent') }, ctx.scope);
    await waitFor(`node ${nodeName} Ready`, () => nodeReady(server.client, nodeName), 60_000);
    const watch = watchPods({ url: server.url, ca: server.ca, token: server.adminToken, labelSelector: 'kedge.io/bench-apply=true' });
    ctx.scope.defer('pod watch', () => watch.stop());

    const kedgeRun = async (name: string) => {
      const t0 = performance.now();
      // Scheduled by the server like any pod a user applies: no nodeName given.
      await createPod(server.client, sleeperPod(name, { labels: { 'kedge.io/bench-apply': 'true' } }));
      return (await watch.when(name, isRunning, 30_000)) - t0;
    };
    // Warm both paths once (first ctr of a kind, snapshot, code paths): not counted.
    await kedgeRun('warm');
    await bareRun(ctrd.address, ctrd.image, 'warm');

    const kedgeMs: number[] = [];
    const bareMs: number[] = [];
    for (let i = 0; i < ctx.opts.applyPods; i++) {
      // Alternate which goes first, so neither always runs right after the other's work.
      const order = i % 2 === 0 ? ['kedge', 'bare'] : ['bare', 'kedge'];
      for (const which of order) {
        if (which === 'kedge') kedgeMs.push(await kedgeRun(`p${i}`));
        else bareMs.push(await bareRun(ctrd.address, ctrd.image, `bare-${i}`));
      }
    }
    const k = summarize(kedgeMs);
    const b = summarize(bareMs);
    const n = `${k.n} pods, one at a time, interleaved`;
    ctx.report(figure('apply-running', 'bare ctr run -d, p50', b.p50, 'ms', undefined, n));
    ctx.report(figure('apply-running', 'bare ctr run -d, p99', b.p99, 'ms'));
    ctx.report(figure('apply-running', 'kedge create → Running, p50', k.p50, 'ms', { op: '<=', value: b.p50 + overBareTargetMs, basis: `bare p50 ${Math.round(b.p50)} ms + ${overBareTargetMs} ms` }));
    ctx.report(figure('apply-running', 'kedge create → Running, p99', k.p99, 'ms', { op: '<=', value: applyP99TargetMs }));
    ctx.report(figure('apply-running', 'kedge p50 − bare p50', k.p50 - b.p50, 'ms', { op: '<=', value: overBareTargetMs }));
    return { kedgeMs, bareMs, runtime: rt.name };
  },
};
