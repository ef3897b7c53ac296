import { describe, expect, it } from 'vitest';
import type { JournalEntry } from './journal.js';
import { planRecovery, type RecoveryAction } from './recovery.js';

describe('planRecovery (what the journal needs at agent start)', () => {
  it.each<[string, JournalEntry['state'], { wanted: boolean; containers: boolean; live: boolean }, RecoveryAction]>([
    ['a running pod, still wanted', 'attached', { wanted: true, containers: true, live: true }, 'keep'],
    ['a wanted pod whose containers are gone keeps its namespace for new ones', 'attached', { wanted: true, containers: false, live: true }, 'keep'],
    ['a wanted pod after a reboot: DEL now, its address back on the next ADD', 'attached', { wanted: true, containers: true, live: false }, 'release'],
    ['an ADD cut short by a crash', 'adding', { wanted: true, containers: false, live: true }, 'release'],
    ['a pod no longer wanted whose containers are gone', 'attached', { wanted: false, containers: false, live: true }, 'forget'],
    ['a pod no longer wanted, still with containers: detached after they are removed', 'attached', { wanted: false, containers: true, live: true }, 'keep'],
    ['a pod no longer wanted whose namespace is gone', 'attached', { wanted: false, containers: true, live: false }, 'forget'],
    ['a crash mid-ADD for a pod no longer wanted', 'adding', { wanted: false, containers: true, live: true }, 'forget'],
    ['an address kept for a pod still wanted', 'released', { wanted: true, containers: false, live: false }, 'keep'],
    ['an address kept for a pod gone', 'released', { wanted: false, containers: false, live: false }, 'forget'],
  ])('%s → %s', (_why, state, s, want) => {
    const set = (b: boolean) => new Set(b ? ['u1'] : []);
    const plan = planRecovery({ entries: [{ uid: 'u1', state }], wanted: set(s.wanted), withContainers: set(s.containers), liveNetns: set(s.live) });
    expect(plan.get('u1')).toBe(want);
  });
});
