/** The pure scheduler: nodes × pending pods, placements per second. */
import { join } from 'node:path';
import { bundleModule, runJsonChild } from '../bundled.js';
import type { Scenario } from '../context.js';
import { figure } from '../report.js';
import { summarize } from '../stats.js';
import type { measureScheduler } from './scheduler-measure.js';

export const placementsTarget = 10_000;

export const schedulerScenario: Scenario = {
  name: 'scheduler',
  title: 'pure schedule(): nodes × pending pods, placements per second',
  async run(ctx) {
    const { schedNodes: n, schedPods: p, schedReps: reps } = ctx.opts;
    ctx.log(`scheduling ${p} pods on ${n} nodes, ${reps} times`);
    // Bundled and run by plain node, as the product runs: tsx's keepNames helpers would wrap every
    // closure the loop creates and make the figure tsx's, not the scheduler's.
    const child = await bundleModule(join(import.meta.dirname, 'scheduler-child.ts'), join(ctx.workDir, 'scheduler'));
    const m = await runJsonChild<ReturnType<typeof measureScheduler>>(child, [String(n), String(p), String(reps)]);
    const rates = summarize(m.rates);
    const size = `${n} nodes × ${p} pods, ${reps} runs, bundled (no tsx)`;
    // The slowest run is the one the target must hold for: its rate is the "p99" of rates.
    ctx.report(figure('scheduler', 'placements/s, median', rates.p50, '/s', { op: '>=', value: placementsTarget }, size));
    ctx.report(figure('scheduler', 'placements/s, slowest run', rates.min, '/s', { op: '>=', value: placementsTarget }, `${m.placed} placed, ${m.unschedulable} unschedulable`));
    return { nodes: n, pods: p, reps, rates: m.rates, seconds: m.seconds, placed: m.placed, unschedulable: m.unschedulable };
  },
};
