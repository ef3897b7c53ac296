/** Keeps the bench harness from rotting: the scheduler scenario end to end at a tiny size, and the table. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchContext } from './context.js';
import { parseBenchArgs } from './options.js';
import { figure, renderTable, type Figure } from './report.js';
import { dnsScenario } from './scenarios/dns.js';
import { schedulerScenario } from './scenarios/scheduler.js';
import { scenarios } from './scenarios/index.js';
import { Scope } from './scope.js';
import { percentile, summarize } from './stats.js';

describe('bench harness', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'kedge-bench-smoke-'));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('runs the scheduler scenario bundled, at a tiny size, and reports against its target', async () => {
    const figures: Figure[] = [];
    const opts = parseBenchArgs(['--only', 'scheduler', '--sched-nodes', '20', '--sched-pods', '200', '--sched-reps', '2']);
    const ctx = {
      opts, workDir, resultsDir: workDir, scope: new Scope(), log: () => {}, report: (f: Figure) => figures.push(f),
    } as unknown as BenchContext;
    const details = await schedulerScenario.run(ctx);
    expect(details).toMatchObject({ nodes: 20, pods: 200, reps: 2 });
    expect((details.placed as number) + (details.unschedulable as number)).toBe(200);
    expect(details.placed).toBeGreaterThan(150);
    expect(figures.map((f) => f.measure)).toEqual(['placements/s, median', 'placements/s, slowest run']);
    for (const f of figures) {
      expect(f.value).toBeGreaterThan(0);
      expect(f.target).toEqual({ op: '>=', value: 10_000 });
      expect(f.ratio).toBeCloseTo(f.value! / 10_000);
      expect(f.verdict).toBe(f.value! >= 10_000 ? 'pass' : 'MISS');
    }
  });

  it('runs the dns scenario bundled, briefly, against its targets and a bare echo', async () => {
    const figures: Figure[] = [];
    const opts = parseBenchArgs(['--only', 'dns', '--dns-qps', '200', '--dns-seconds', '1']);
    const scope = new Scope();
    const ctx = { opts, workDir, resultsDir: workDir, scope, log: () => {}, report: (f: Figure) => figures.push(f) } as unknown as BenchContext;
    try {
      const details = await dnsScenario.run(ctx);
      expect(details).toMatchObject({ sent: 200, lost: 0, wrong: 0 });
    } finally {
      await scope.close();
    }
    expect(figures.find((f) => f.measure === 'latency p99')?.target).toEqual({ op: '<=', value: 2 });
    expect(figures.find((f) => f.measure === 'CPU at 200 queries/s')?.value).toBeGreaterThanOrEqual(0);
    expect(figures.find((f) => f.measure === 'bare UDP echo: CPU at 200/s')).toBeDefined();
  }, 60_000);

  it('every scenario of the issue is there, in a runnable order, and flags are checked', () => {
    expect(scenarios.map((s) => s.name)).toEqual(['scheduler', 'dns', 'cold-start', 'server-idle', 'agent-idle', 'apply-running', 'pod-network', 'api', 'failover', 'idle-disk', 'fleet']);
    expect(parseBenchArgs(['--fleet', '5000,1000', '--minutes', '1']).fleet).toEqual([1000, 5000]);
    expect(() => parseBenchArgs(['--minutes', '0'])).toThrow(/--minutes/);
    expect(() => parseBenchArgs(['--runtime', 'deno'])).toThrow(/not a runtime/);
  });

  it('computes percentiles by nearest rank and prints verdicts and ratios', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(summarize([3, 1, 2])).toMatchObject({ n: 3, min: 1, p50: 2, max: 3 });
    const miss = figure('api', 'p99', 75, 'ms', { op: '<=', value: 50 });
    expect(miss).toMatchObject({ verdict: 'MISS', ratio: 1.5 });
    expect(figure('x', 'not measured', null, 's', { op: '<=', value: 30 }, 'not yet implemented').verdict).toBe('n/a');
    const table = renderTable([miss]);
    expect(table).toMatch(/api\s+p99\s+75\.0 ms\s+≤ 50\.0 ms\s+1\.50×\s+MISS/);
  });
});
