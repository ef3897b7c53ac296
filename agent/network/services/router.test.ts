import { describe, expect, it } from 'vitest';
import { KedgeError } from '../../../shared/errors.js';
import { renderRules } from './plan.js';
import { createServiceRouter } from './router.js';
import type { NftRun } from './nft.js';
import { testEndpoint as ep, testInput, testPod as pod, testService as svc } from './testing/inputs.js';

function fakeNft() {
  const scripts: string[] = [];
  let failNext: RegExp | undefined;
  let release: (() => void) | undefined;
  let hold = false;
  const run: NftRun = async (script) => {
    if (hold) await new Promise<void>((r) => (release = r));
    if (failNext?.test(script)) {
      failNext = undefined;
      throw new KedgeError('InternalError', 'nft -f failed: Error: No such file or directory');
    }
    scripts.push(script);
  };
  return {
    run,
    scripts,
    failOnce: (when: RegExp) => (failNext = when),
    hold: () => (hold = true),
    let: () => {
      hold = false;
      release?.();
    },
  };
}

async function until(what: string, ok: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const web = (endpoints = [ep('10.42.1.5'), ep('10.42.2.7')]) => svc('web', '10.43.0.20', { endpoints });
const pods = [pod('10.42.1.5')];

describe('createServiceRouter', () => {
  it('replaces the whole table first, then applies only differences, and nothing when nothing changed', async () => {
    const nft = fakeNft();
    const router = createServiceRouter({ nft: nft.run });
    await router.sync(testInput([web()], pods));
    expect(nft.scripts).toEqual([renderRules(testInput([web()], pods))]);
    await router.sync(testInput([web()], [pod('10.42.1.5', { ready: false })]));
    expect(nft.scripts[1]).toMatch(/^flush chain ip kedge svc-default\/web\/tcp\/80\n/);
    expect(nft.scripts[1]).not.toMatch(/delete table/);
    await router.sync(testInput([web()], [pod('10.42.1.5', { ready: false })]));
    expect(nft.scripts).toHaveLength(2);
  });

  it('falls back to a whole replacement when an update fails (someone deleted the table)', async () => {
    const nft = fakeNft();
    const logs: string[] = [];
    const router = createServiceRouter({ nft: nft.run, log: (m) => logs.push(m) });
    await router.sync(testInput([web()], pods));
    nft.failOnce(/^flush chain/);
    await router.sync(testInput([web([ep('10.42.2.7')])], pods));
    expect(nft.scripts.at(-1)).toBe(renderRules(testInput([web([ep('10.42.2.7')])], pods)));
    expect(logs.join('\n')).toMatch(/updating table kedge failed, replacing it whole: nft -f failed/);
  });

  it('fails a sync whose whole replacement fails, and replaces whole again on the next', async () => {
    const nft = fakeNft();
    const router = createServiceRouter({ nft: nft.run });
    nft.failOnce(/delete table/);
    await expect(router.sync(testInput([web()], pods))).rejects.toThrow(/nft -f failed/);
    await router.sync(testInput([web()], pods));
    expect(nft.scripts).toEqual([renderRules(testInput([web()], pods))]);
  });

  it('merges syncs that arrive while one is applied: the newest input wins', async () => {
    const nft = fakeNft();
    const router = createServiceRouter({ nft: nft.run });
    nft.hold();
    const first = router.sync(testInput([web()], pods));
    await new Promise((r) => setImmediate(r));
    const second = router.sync(testInput([web([ep('10.42.2.7')])], pods));
    const third = router.sync(testInput([web([ep('10.42.2.8')])], pods));
    nft.let();
    await Promise.all([first, second, third]);
    expect(nft.scripts).toHaveLength(2);
    expect(nft.scripts[0]).toBe(renderRules(testInput([web()], pods)));
    expect(nft.scripts[1]).toContain('dnat ip to 10.42.2.8:8080');
    expect(nft.scripts[1]).not.toContain('10.42.2.7');
  });

  it('deletes emptied chains by itself in a later transaction, once they have been unused for a while', async () => {
    const nft = fakeNft();
    const router = createServiceRouter({ nft: nft.run, staleChainDelayMs: 30 });
    await router.sync(testInput([web()], pods));
    await router.sync(testInput([], pods));
    expect(nft.scripts[1]).toContain('flush chain ip kedge svc-default/web/tcp/80');
    expect(nft.scripts).toHaveLength(2);
    await until('the deletion', () => nft.scripts.length === 3);
    expect(nft.scripts[2]).toBe('delete chain ip kedge svc-default/web/tcp/80\n');
  });

  it('keeps a chain that comes back before it was deleted, and retries a deletion that failed', async () => {
    const nft = fakeNft();
    const logs: string[] = [];
    const router = createServiceRouter({ nft: nft.run, staleChainDelayMs: 30, log: (m) => logs.push(m) });
    await router.sync(testInput([web()], pods));
    await router.sync(testInput([], pods));
    await router.sync(testInput([web()], pods));
    await new Promise((r) => setTimeout(r, 100));
    expect(nft.scripts.join('')).not.toContain('delete chain');
    await router.sync(testInput([], pods));
    nft.failOnce(/^delete chain/);
    await until('the retried deletion', () => nft.scripts.at(-1) === 'delete chain ip kedge svc-default/web/tcp/80\n');
    expect(logs.join('\n')).toMatch(/deleting 1 unused chains failed, retrying later/);
  });

  it('logs what it left out, once', async () => {
    const nft = fakeNft();
    const logs: string[] = [];
    const router = createServiceRouter({ nft: nft.run, log: (m) => logs.push(m) });
    const bad = testInput([web([ep('10.42.2.7'), ep('fe80::1')])], pods);
    await router.sync(bad);
    await router.sync(bad);
    expect(logs).toEqual(['service rules: service default/web: endpoint ip "fe80::1" is not an IPv4 address; left out']);
  });

  it('remove() deletes the table whether or not it exists, and the next sync starts whole', async () => {
    const nft = fakeNft();
    const router = createServiceRouter({ nft: nft.run, table: 'svcrules_t' });
    await router.sync(testInput([web()], pods));
    await router.remove();
    expect(nft.scripts.at(-1)).toBe('table ip svcrules_t {}\ndelete table ip svcrules_t\n');
    await router.sync(testInput([web()], pods));
    expect(nft.scripts.at(-1)).toMatch(/^table ip svcrules_t \{\}\ndelete table ip svcrules_t\ntable ip svcrules_t \{\n/);
  });
});
