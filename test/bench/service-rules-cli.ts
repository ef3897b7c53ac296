/**
 * Measures the Service rules at size (see service-rules.ts) and prints the figures against the targets:
 *   node --expose-gc --import tsx test/bench/service-rules-cli.ts [--services 1000] [--endpoints 10] [--changes 200] [--resyncs 5] [--optimized]
 * By default V8 runs with the agent's own flags (no optimizing compiler), as a node runs the agent.
 */
import { applyAgentV8Flags } from '../../agent/v8-flags.js';
import type { Summary } from './stats.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: expected a positive integer, got "${process.argv[i + 1]}"`);
  return v;
}

if (!process.argv.includes('--optimized')) applyAgentV8Flags();
const { measureServiceRules } = await import('./service-rules.js');
const o = { services: flag('services', 1000), endpoints: flag('endpoints', 10), changes: flag('changes', 200), resyncs: flag('resyncs', 5) };
const m = await measureServiceRules({ ...o, log: (msg) => process.stderr.write(`${msg}\n`) });
const f = (s: Summary) => `p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms, max ${s.max.toFixed(0)} ms (n=${s.n})`;
process.stdout.write(
  [
    `${m.services} Services × ${m.endpoints} endpoints, whole script ${(m.scriptBytes / 1024).toFixed(0)} KiB, load average ${m.loadAverage.toFixed(1)}`,
    `plan + render:              ${f(m.render)}`,
    `full resync (plan + render + nft -f, whole table): ${f(m.fullResync)}, CPU ${m.cpuPerFullResync.toFixed(0)} ms   target ≤ 1000 ms`,
    `one endpoint change (plan + difference + nft -f):  ${f(m.endpointChange)}, CPU ${m.cpuPerChange.toFixed(0)} ms   target p99 ≤ 200 ms`,
    `memory: router keeps ${m.retainedHeapMB.toFixed(1)} MB of heap; RSS ${m.rssGrowthMB >= 0 ? '+' : ''}${m.rssGrowthMB.toFixed(1)} MB from before the first sync to after the changes   target ≤ 10 MB`,
    ...((globalThis as { gc?: unknown }).gc ? [] : ['(run with node --expose-gc --import tsx … for the memory figures)']),
    '',
  ].join('\n'),
);
