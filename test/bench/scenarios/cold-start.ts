/** `kedge server` start to the first /readyz 200, on a fresh and on an existing data dir. */
import { join } from 'node:path';
import type { Scenario } from '../context.js';
import { startServer } from '../kedge-process.js';
import { figure } from '../report.js';
import { Scope } from '../scope.js';
import { summarize } from '../stats.js';

export const coldStartTargetMs = 1000;

export const coldStartScenario: Scenario = {
  name: 'cold-start',
  title: '`kedge server` start to /readyz 200 (fresh and existing data dir)',
  async run(ctx) {
    const details: Record<string, unknown> = {};
    for (const rt of await ctx.runtimes()) {
      const dataDir = join(ctx.workDir, `cold-${rt.name}`, 'server');
      const times: Record<'fresh' | 'existing', number[]> = { fresh: [], existing: [] };
      for (let i = 0; i < ctx.opts.coldReps; i++) {
        for (const state of ['fresh', 'existing'] as const) {
          // fresh: a new data dir each time (CA, keys, database created); existing: the same dir again.
          const dir = state === 'fresh' ? join(ctx.workDir, `cold-${rt.name}`, `fresh-${i}`) : dataDir;
          const scope = new Scope(ctx.log);
          try {
            // The local agent starts after /readyz answers, so it is left out: it cannot change the figure.
            const s = await startServer({ runtime: rt, dataDir: dir, disableAgent: true }, scope);
            times[state].push(s.readyMs);
          } finally {
            await scope.close();
          }
        }
      }
      details[rt.name] = times;
      for (const state of ['fresh', 'existing'] as const) {
        const s = summarize(times[state]);
        const target = { op: '<=' as const, value: coldStartTargetMs };
        ctx.report(figure('cold-start', `${rt.name}, ${state} data dir, p50`, s.p50, 'ms', target, `${s.n} starts`));
        ctx.report(figure('cold-start', `${rt.name}, ${state} data dir, p99`, s.p99, 'ms', target));
      }
    }
    return details;
  },
};
