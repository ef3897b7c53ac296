/** Figures, their targets and ratios, the printed table and the JSON written beside it. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Machine } from './machine.js';

export interface Target {
  op: '<=' | '>=';
  value: number;
  /** How the target was derived when it is not a constant, e.g. "bare p50 112 ms + 300 ms". */
  basis?: string;
}

export interface Figure {
  scenario: string;
  measure: string;
  /** null: not measured (see note). */
  value: number | null;
  unit: string;
  target?: Target;
  /** value / target; ≤ 1 passes a "≤" target, ≥ 1 passes a "≥" target. */
  ratio?: number;
  verdict: 'pass' | 'MISS' | 'info' | 'n/a';
  note?: string;
}

export function figure(scenario: string, measure: string, value: number | null, unit: string, target?: Target, note?: string): Figure {
  if (value === null || !Number.isFinite(value)) return { scenario, measure, value: null, unit, target, verdict: 'n/a', note };
  if (!target) return { scenario, measure, value, unit, verdict: 'info', note };
  const ratio = target.value === 0 ? (value === 0 ? 0 : Infinity) : value / target.value;
  const ok = target.op === '<=' ? value <= target.value : value >= target.value;
  return { scenario, measure, value, unit, target, ratio, verdict: ok ? 'pass' : 'MISS', note };
}

export function formatNumber(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

function cells(f: Figure): string[] {
  const value = f.value === null ? '—' : `${formatNumber(f.value)} ${f.unit}`.trim();
  const target = f.target ? `${f.target.op === '<=' ? '≤' : '≥'} ${formatNumber(f.target.value)} ${f.unit}`.trim() : '';
  const ratio = f.ratio === undefined ? '' : Number.isFinite(f.ratio) ? `${f.ratio.toFixed(2)}×` : '∞';
  const note = [f.target?.basis, f.note].filter(Boolean).join('; ');
  return [f.scenario, f.measure, value, target, ratio, f.verdict, note];
}

export function renderTable(figures: Figure[]): string {
  const head = ['scenario', 'measure', 'value', 'target', 'ratio', 'verdict', 'note'];
  const rows = [head, ...figures.map(cells)];
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  // The note column is left ragged: it can be long.
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w, i) => '-'.repeat(i === head.length - 1 ? 4 : w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export interface ScenarioRecord {
  name: string;
  wallSeconds: number;
  details: Record<string, unknown>;
  error?: string;
}

export interface BenchResult {
  command: string;
  startedAt: string;
  finishedAt: string;
  wallSeconds: number;
  machine: Machine;
  /** How kedge was run: the runtimes compared and the one used everywhere else. */
  runtimes: string[];
  mainRuntime: string;
  options: Record<string, unknown>;
  figures: Figure[];
  scenarios: ScenarioRecord[];
}

export function writeResult(path: string, result: BenchResult): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
}
