/** An agent running a Deployment's pods is killed: time until all of them run on another node. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from '../../../shared/pod.js';
import type { BenchContext, Scenario } from '../context.js';
import { containerdUnavailable } from '../containerd.js';
import { repoRoot, startAgent, startServer, waitFor } from '../kedge-process.js';
import { isRunning, listPods, nodeReady } from '../pods.js';
import { figure } from '../report.js';
import { Scope } from '../scope.js';
import { summarize } from '../stats.js';

export const failoverTargetSeconds = 30;

/** Node eviction lives in server/controllers or server/nodes once it is implemented. */
export function evictionImplemented(): boolean {
  for (const dir of ['server/controllers', 'server/nodes']) {
    for (const f of readdirSync(join(repoRoot, dir))) {
      if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
      if (/\bevict/i.test(readFileSync(join(repoRoot, dir, f), 'utf8'))) return true;
    }
  }
  return false;
}

function deployment(replicas: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'fo', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'fo' } },
      template: {
        metadata: { labels: { app: 'fo' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'c', image: 'busybox:test', command: ['sleep', '1000000'], resources: { requests: { cpu: '10m', memory: '8Mi' } } }],
        },
      },
    },
  };
}

/**
 * kill: SIGKILL of the agent; the kernel closes its socket, so the broker fires the last will at once.
 * freeze: SIGSTOP, as a power cut or a pulled cable looks: no goodbye, only missed heartbeats tell.
 */
type Mode = 'kill' | 'freeze';

async function failoverOnce(ctx: BenchContext, run: number, mode: Mode): Promise<{ seconds: number; notReadySeconds: number; firstGoneSeconds: number }> {
  const scope = new Scope(ctx.log);
  const ctrd = await ctx.containerd();
  try {
    scope.defer('containers of failover', () => ctrd.clear('kedge'));
    const rt = await ctx.mainRuntime();
    const base = join(ctx.workDir, `failover-${mode}-${run}`);
    const server = await startServer({ runtime: rt, dataDir: join(base, 'server'), disableAgent: true }, scope);
    const agent = (name: string) => startAgent(rt, server, { name, dataDir: join(base, name), containerdAddress: ctrd.address }, scope);
    const victim = agent('fo-victim');
    await waitFor('fo-victim Ready', () => nodeReady(server.client, 'fo-victim'), 60_000);
    const replicas = ctx.opts.failoverReplicas;
    await server.client.json('POST', '/apis/apps/v1/namespaces/default/deployments', deployment(replicas));
    const onNode = async (node: string) => (await listPods(server.client, 'app=fo')).filter((p: Pod) => p.spec.nodeName === node && !p.metadata.deletionTimestamp && isRunning(p));
    await waitFor(`${replicas} pods Running on fo-victim`, async () => (await onNode('fo-victim')).length === replicas, 120_000, 250);
    agent('fo-survivor');
    await waitFor('fo-survivor Ready', () => nodeReady(server.client, 'fo-survivor'), 60_000);

    const t0 = performance.now();
    victim.child.kill(mode === 'kill' ? 'SIGKILL' : 'SIGSTOP');
    if (mode === 'freeze') scope.defer('frozen agent', () => void victim.child.kill('SIGKILL'));
    let notReady = NaN;
    let firstGone = NaN;
    await waitFor(`${replicas} pods Running on fo-survivor`, async () => {
      const t = (performance.now() - t0) / 1000;
      if (Number.isNaN(notReady) && !(await nodeReady(server.client, 'fo-victim'))) notReady = t;
      const pods = await listPods(server.client, 'app=fo');
      if (Number.isNaN(firstGone) && pods.filter((p) => p.spec.nodeName === 'fo-victim' && !p.metadata.deletionTimestamp).length < replicas) firstGone = t;
      return pods.filter((p) => p.spec.nodeName === 'fo-survivor' && !p.metadata.deletionTimestamp && isRunning(p)).length === replicas;
    }, 120_000, 250);
    return { seconds: (performance.now() - t0) / 1000, notReadySeconds: notReady, firstGoneSeconds: firstGone };
  } finally {
    await scope.close();
  }
}

export const failoverScenario: Scenario = {
  name: 'failover',
  title: 'kill an agent running a Deployment: time until every pod runs on the other node',
  unavailable: containerdUnavailable,
  async run(ctx) {
    if (!evictionImplemented()) {
      ctx.report(figure('failover', 'agent killed → pods Running elsewhere', null, 's', { op: '<=', value: failoverTargetSeconds }, 'not yet implemented: the server has no node eviction (server/controllers, server/nodes)'));
      return { implemented: false };
    }
    const details: Record<string, unknown> = { implemented: true };
    const target = { op: '<=' as const, value: failoverTargetSeconds };
    const plan: [Mode, number, string][] = [
      ['kill', ctx.opts.failoverRuns, 'SIGKILL of the agent process (its connection closes: last will)'],
      ['freeze', ctx.opts.failoverFreezeRuns, 'SIGSTOP of the agent process, as a power cut looks (no last will: missed heartbeats)'],
    ];
    for (const [mode, count, how] of plan) {
      const runs = [];
      for (let i = 0; i < count; i++) {
        runs.push(await failoverOnce(ctx, i, mode));
        ctx.log(`${mode} run ${i + 1}: ${runs.at(-1)!.seconds.toFixed(1)} s`);
      }
      if (runs.length === 0) continue;
      const s = summarize(runs.map((r) => r.seconds));
      const detail = `${how}; ${ctx.opts.failoverReplicas} pods, default eviction timeout; NotReady after ${summarize(runs.map((r) => r.notReadySeconds)).p50.toFixed(1)} s, first pod replaced after ${summarize(runs.map((r) => r.firstGoneSeconds)).p50.toFixed(1)} s`;
      ctx.report(figure('failover', `${mode}: pods Running elsewhere, median of ${s.n}`, s.p50, 's', target, detail));
      if (s.n > 1) ctx.report(figure('failover', `${mode}: pods Running elsewhere, slowest`, s.max, 's', target));
      details[mode] = runs;
    }
    return details;
  },
};
