/** What the journal's entries need at agent start, from what is wanted, what has containers and which namespaces survived. Pure. */
import type { JournalEntry } from './journal.js';

/** keep: leave it; release: tear down, keep the address for the pod's next attach; forget: tear down and drop. */
export type RecoveryAction = 'keep' | 'release' | 'forget';

export interface RecoveryInput {
  entries: readonly Pick<JournalEntry, 'uid' | 'state'>[];
  /** Pods the node should run (desired, not being deleted). */
  wanted: ReadonlySet<string>;
  /** Pods that still have containers in the runtime, running or not. */
  withContainers: ReadonlySet<string>;
  /** Pods whose namespace is still a live namespace. */
  liveNetns: ReadonlySet<string>;
}

export function planRecovery(i: RecoveryInput): Map<string, RecoveryAction> {
  const out = new Map<string, RecoveryAction>();
  for (const e of i.entries) {
    if (!i.wanted.has(e.uid)) {
      // Its containers may still be in the namespace; the reconciler removes them, then detaches.
      out.set(e.uid, i.withContainers.has(e.uid) && e.state === 'attached' && i.liveNetns.has(e.uid) ? 'keep' : 'forget');
    } else if (e.state === 'adding' || (e.state === 'attached' && !i.liveNetns.has(e.uid))) {
      // An ADD cut short by a crash, or a namespace gone with a reboot: DEL now, ADD again when the pod starts.
      out.set(e.uid, 'release');
    } else {
      out.set(e.uid, 'keep');
    }
  }
  return out;
}
