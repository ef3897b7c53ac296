/** What every scenario gets: options, runtimes, the shared containerd, a place for its figures. */
import type { BenchContainerd } from './containerd.js';
import type { BenchOptions } from './options.js';
import type { Runtime, RuntimeName } from './kedge-process.js';
import type { Figure } from './report.js';
import type { Scope } from './scope.js';

export interface BenchContext {
  opts: BenchOptions;
  /** Temp dir of this bench run (removed at the end unless --keep). */
  workDir: string;
  /** Results dir (profiles, heap snapshots). */
  resultsDir: string;
  runtime(name: RuntimeName): Promise<Runtime>;
  /** Runtimes compared where memory and start time are measured (--runtime). */
  runtimes(): Promise<Runtime[]>;
  /** The runtime used for every other scenario (--main-runtime). */
  mainRuntime(): Promise<Runtime>;
  /** One private containerd for the whole run, with the test image imported; started on first use. */
  containerd(): Promise<BenchContainerd>;
  /** Undone when the scenario ends. */
  scope: Scope;
  log(msg: string): void;
  report(f: Figure): void;
}

export interface Scenario {
  name: string;
  /** One line for --help and the table. */
  title: string;
  /** Why it cannot run here, or null. */
  unavailable?(): string | null;
  run(ctx: BenchContext): Promise<Record<string, unknown>>;
}
