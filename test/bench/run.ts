/**
 * `npm run bench`: measures kedge against its targets and against bare containerd, and writes
 * bench/results/latest.json. Not part of `npm test`; see `npm run bench -- --help`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BenchContext } from './context.js';
import { containerdUnavailable, startBenchContainerd, type BenchContainerd } from './containerd.js';
import { benchTempDir, prepareRuntime, removeDir, repoRoot, seaPath, type Runtime, type RuntimeName } from './kedge-process.js';
import { describeMachine, machineLine } from './machine.js';
import { benchUsage, parseBenchArgs } from './options.js';
import { figure, formatNumber, renderTable, writeResult, type BenchResult, type Figure, type ScenarioRecord } from './report.js';
import { Scope } from './scope.js';
import { scenarios } from './scenarios/index.js';

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

async function main(): Promise<number> {
  let opts;
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${benchUsage(scenarios)}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${benchUsage(scenarios)}\n`);
    return 0;
  }
  const unknown = [...opts.only, ...opts.skip].filter((n) => !scenarios.some((s) => s.name === n));
  if (unknown.length) {
    process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  const selected = scenarios.filter((s) => (opts.only.length === 0 || opts.only.includes(s.name)) && !opts.skip.includes(s.name));
  const workDir = benchTempDir('run');
  const machine = describeMachine(workDir);
  const startedAt = new Date().toISOString();
  log(machineLine(machine));
  const resultsDir = resolve(repoRoot, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });

  const runtimes = new Map<RuntimeName, Promise<Runtime>>();
  const runtime = (name: RuntimeName) => {
    if (!runtimes.has(name)) runtimes.set(name, prepareRuntime(name, workDir, opts.nodeArgs));
    return runtimes.get(name)!;
  };
  // The single executable joins the comparison as soon as someone has built it.
  const compared = [...new Set<RuntimeName>([...opts.runtimes, ...(existsSync(seaPath()) ? (['sea'] as const) : [])])];
  let containerd: Promise<BenchContainerd> | undefined;
  const figures: Figure[] = [];
  const records: ScenarioRecord[] = [];
  let current: Scope | undefined;

  const finish = async () => {
    await current?.close();
    if (containerd) await (await containerd.catch(() => undefined))?.stop().catch((e: Error) => log(`stopping containerd: ${e.message}`));
    removeDir(workDir, opts.keep);
  };
  let interrupted = false;
  const onSignal = (sig: string) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`${sig}: cleaning up (again to exit at once)`);
    void finish().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  for (const s of selected) {
    const why = s.unavailable?.() ?? null;
    const scope = new Scope(log);
    current = scope;
    const record: ScenarioRecord = { name: s.name, wallSeconds: 0, details: {} };
    const t0 = performance.now();
    if (why) {
      log(`${s.name}: skipped (${why})`);
      figures.push(figure(s.name, 'skipped', null, '', undefined, why));
      record.error = `skipped: ${why}`;
      records.push(record);
      continue;
    }
    log(`${s.name}: ${s.title}`);
    const ctx: BenchContext = {
      opts,
      workDir,
      resultsDir,
      runtime,
      runtimes: () => Promise.all(compared.map(runtime)),
      mainRuntime: () => runtime(opts.mainRuntime),
      containerd: () => {
        if (!containerd) {
          const reason = containerdUnavailable();
          if (reason) return Promise.reject(new Error(`containerd: ${reason}`));
          containerd = startBenchContainerd(join(workDir, 'ctrd'), log);
        }
        return containerd;
      },
      scope,
      log: (m) => log(`${s.name}: ${m}`),
      report(f) {
        figures.push(f);
        const target = f.target ? ` (target ${f.target.op === '<=' ? '≤' : '≥'} ${formatNumber(f.target.value)} ${f.unit}, ratio ${f.ratio?.toFixed(2)}, ${f.verdict})` : '';
        log(`${s.name}: ${f.measure} = ${f.value === null ? '—' : `${formatNumber(f.value)} ${f.unit}`}${target}${f.note ? ` — ${f.note}` : ''}`);
      },
    };
    try {
      record.details = await s.run(ctx);
    } catch (e) {
      const msg = (e as Error).stack ?? String(e);
      log(`${s.name} failed: ${msg}`);
      record.error = (e as Error).message;
      figures.push(figure(s.name, 'failed', null, '', undefined, (e as Error).message.split('\n')[0]));
    } finally {
      await scope.close();
      current = undefined;
    }
    record.wallSeconds = Math.round((performance.now() - t0) / 100) / 10;
    records.push(record);
    log(`${s.name}: done in ${record.wallSeconds} s`);
  }

  await finish();
  const used = await Promise.all([...runtimes.values()].map((p) => p.catch(() => undefined)));
  const out = resolve(repoRoot, opts.out);
  const result: BenchResult = {
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, ''),
    startedAt,
    finishedAt: new Date().toISOString(),
    wallSeconds: Math.round((Date.now() - Date.parse(startedAt)) / 1000),
    machine,
    runtimes: used.filter(Boolean).map((u) => `${u!.name}: ${u!.description}`),
    mainRuntime: opts.mainRuntime,
    options: { ...opts },
    figures,
    scenarios: records,
  };
  writeResult(out, result);
  // Earlier runs stay beside the latest one, named by when they started.
  writeResult(join(dirname(out), 'runs', `${startedAt.replace(/[:.]/g, '-')}.json`), result);
  process.stdout.write(`\n${machineLine(machine)}\n\n${renderTable(figures)}\n\nwritten to ${out.slice(repoRoot.length + 1)}\n`);
  return records.some((r) => r.error && !r.error.startsWith('skipped')) ? 1 : 0;
}

process.exitCode = await main();
