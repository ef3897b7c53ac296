/**
 * The node's ServiceRouter: plans the whole table on every sync (unchanged Services from its cache),
 * applies only the difference from what it applied last (the whole table the first time, or when the
 * difference cannot be applied), and deletes chains that fell out of use a moment later, on its own.
 * Syncs that arrive while one runs are merged.
 */
import type { ServiceRouter, ServiceRulesInput } from '../types.js';
import { nftRunner, type NftRun } from './nft.js';
import { defaultTable, planRules } from './plan.js';
import { PlanCache } from './plan-cache.js';
import { renderRemoval, renderRuleset, type Ruleset } from './ruleset.js';
import { planUpdate, renderChainDeletion } from './update.js';

export interface ServiceRouterOptions {
  /** The nftables table (family ip) the router owns; nothing else in it survives a sync. */
  table?: string;
  nft?: NftRun;
  log?: (msg: string) => void;
  now?: () => number;
  /** How long an emptied chain waits before it is deleted. */
  staleChainDelayMs?: number;
}

export function createServiceRouter(o: ServiceRouterOptions = {}): ServiceRouter {
  const table = o.table ?? defaultTable;
  const nft = o.nft ?? nftRunner();
  const log = o.log ?? (() => undefined);
  const now = o.now ?? Date.now;
  const delay = o.staleChainDelayMs ?? 1000;
  let applied: Ruleset | undefined;
  const emptiedAt = new Map<string, number>();
  let lastProblems = '';
  const cache = new PlanCache();
  let cleanup: NodeJS.Timeout | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  let queued: { input: ServiceRulesInput; done?: Promise<void> } | undefined;

  function enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  }

  async function replace(next: Ruleset): Promise<void> {
    applied = undefined;
    await nft(renderRuleset(next));
    applied = next;
    emptiedAt.clear();
  }

  // Off the sync's path: a change is applied by one nft run; old chains go in a transaction of their own.
  function scheduleCleanup(): void {
    if (cleanup === undefined && emptiedAt.size > 0) {
      cleanup = setTimeout(() => {
        cleanup = undefined;
        void enqueue(deleteEmptied);
      }, delay).unref();
    }
  }

  async function deleteEmptied(): Promise<void> {
    const due = [...emptiedAt].filter(([, at]) => now() - at >= delay).map(([chain]) => chain);
    if (due.length > 0) {
      try {
        await nft(renderChainDeletion(table, due));
        for (const chain of due) emptiedAt.delete(chain);
      } catch (e) {
        log(`service rules: deleting ${due.length} unused chains failed, retrying later: ${(e as Error).message}`);
      }
    }
    scheduleCleanup();
  }

  async function apply(input: ServiceRulesInput): Promise<void> {
    const { ruleset: next, problems } = planRules(input, table, cache);
    if (problems.join('\n') !== lastProblems) for (const p of problems) log(`service rules: ${p}`);
    lastProblems = problems.join('\n');
    const update = applied ? planUpdate(applied, next) : null;
    if (update === null) {
      await replace(next);
    } else {
      try {
        if (update.script !== '') await nft(update.script);
        applied = next;
        for (const chain of update.emptied) emptiedAt.set(chain, now());
      } catch (e) {
        log(`service rules: updating table ${table} failed, replacing it whole: ${(e as Error).message}`);
        await replace(next);
      }
    }
    for (const chain of next.chains) emptiedAt.delete(chain.name);
    scheduleCleanup();
  }

  return {
    sync(input) {
      if (queued) {
        queued.input = input;
        return queued.done!;
      }
      const entry: { input: ServiceRulesInput; done?: Promise<void> } = { input };
      queued = entry;
      entry.done = enqueue(() => {
        queued = undefined;
        return apply(entry.input);
      });
      return entry.done;
    },
    remove() {
      return enqueue(async () => {
        clearTimeout(cleanup);
        cleanup = undefined;
        applied = undefined;
        emptiedAt.clear();
        await nft(renderRemoval(table));
      });
    },
  };
}
