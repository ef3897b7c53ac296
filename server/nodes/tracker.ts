import { isDeepStrictEqual } from 'node:util';
import type { NodeReport } from '../../shared/messages.js';
import type { Node } from '../../shared/node.js';
import type { EventRecorder } from '../events/recorder.js';
import type { Store } from '../store/types.js';
import { withLifecycleTaints } from './lifecycle-taints.js';
import { readyCondition, readyStatusOf, statusFromReport, withReady } from './status.js';

export interface NodeTrackerDeps {
  store: Store;
  now?: () => number;
  heartbeatMs?: number;
  /** Heartbeats missed before NotReady (default 3). */
  missed?: number;
  log?: (msg: string) => void;
  /** NodeReady / NodeNotReady Events. */
  events?: Pick<EventRecorder, 'record'>;
  /** Every this many ticks, tick() reads all nodes from the store instead of its own list (default 30). */
  fullPassEvery?: number;
}

interface Live {
  report?: NodeReport;
  lastSeen: number;
  /** The report whose facts and labels the stored node is known to carry, with Ready=True. */
  stored?: NodeReport;
}

/**
 * Heartbeats live here, in memory; the store sees a node only when something that matters changes
 * (Ready flips, capacity, labels, host facts). An idle cluster must not wear out an SD card.
 */
export function createNodeTracker(deps: NodeTrackerDeps) {
  const now = deps.now ?? Date.now;
  const heartbeatMs = deps.heartbeatMs ?? 10_000;
  const missed = deps.missed ?? 3;
  const started = now();
  const fullPassEvery = deps.fullPassEvery ?? 30;
  const live = new Map<string, Live>();
  /**
   * Nodes the store shows Ready=True, as far as this tracker wrote or last read: the per-second check
   * walks this set instead of decoding every Node (thousands in a fleet). A full pass now and then
   * picks up what others wrote.
   */
  const readyNodes = new Set<string>();
  let ticks = 0;

  function getNode(name: string): Node | undefined {
    return deps.store.get('Node', '', name) as Node | undefined;
  }

  /** The Ready flip and its lifecycle taint go in one write: a Ready node never carries them. */
  function flip(node: Node, ready: boolean, why?: string): Node {
    const at = new Date(now());
    const name = node.metadata.name!;
    deps.log?.(`node ${name} is ${ready ? 'Ready' : 'NotReady'}${why ? ` (${why})` : ''}`);
    const status = ready ? 'NodeReady' : 'NodeNotReady';
    deps.events?.record({ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid ?? name }, 'Normal', status, `Node ${name} status is now: ${status}`, { component: 'node-controller' });
    return withLifecycleTaints(withReady(node, readyCondition(ready, at, undefined, why)), at);
  }

  function setReady(name: string, ready: boolean, why?: string) {
    const node = getNode(name);
    if (!node) return;
    const want = ready ? 'True' : 'Unknown';
    if (readyStatusOf(node) !== want) deps.store.update(flip(node, ready, why));
    remember(name, ready);
  }

  function remember(name: string, isReady: boolean) {
    if (isReady) readyNodes.add(name);
    else {
      readyNodes.delete(name);
      const l = live.get(name);
      if (l) l.stored = undefined;
    }
  }

  /** Same facts and labels as the report the stored node already carries: nothing to read or write. */
  function unchanged(name: string, report: NodeReport): boolean {
    const stored = live.get(name)?.stored;
    if (!stored || !readyNodes.has(name)) return false;
    return isDeepStrictEqual(report.labels, stored.labels) && isDeepStrictEqual(statusFromReport(report), statusFromReport(stored));
  }

  return {
    onReport(name: string, report: NodeReport) {
      // Heartbeats from a fleet arrive hundreds a second: most change nothing the store holds.
      const fast = unchanged(name, report);
      const entry: Live = { report, lastSeen: now(), stored: live.get(name)?.stored };
      live.set(name, entry);
      if (fast) return;
      const node = getNode(name);
      if (!node) return;
      const stable = statusFromReport(report);
      const labels = { ...(node.metadata.labels ?? {}), ...report.labels };
      const changed =
        !isDeepStrictEqual(labels, node.metadata.labels ?? {}) ||
        (Object.keys(stable) as (keyof typeof stable)[]).some((k) => !isDeepStrictEqual(stable[k], node.status?.[k])) ||
        readyStatusOf(node) !== 'True';
      if (changed) {
        let next: Node = { ...node, metadata: { ...node.metadata, labels }, status: { ...(node.status ?? {}), ...stable } };
        if (readyStatusOf(node) !== 'True') next = flip(next, true);
        deps.store.update(next);
      }
      remember(name, true);
      entry.stored = report;
    },

    /** The retained online flag or the last will. */
    onOnline(name: string, online: boolean) {
      if (online) {
        const l = live.get(name);
        live.set(name, { report: l?.report, lastSeen: now() });
      } else {
        live.set(name, { report: live.get(name)?.report, lastSeen: -Infinity });
        setReady(name, false, 'the node\'s MQTT connection was lost');
      }
    },

    /** Marks nodes NotReady after `missed` heartbeats; call every second or so. */
    tick() {
      const t = now();
      if (ticks++ % fullPassEvery === 0) {
        readyNodes.clear();
        for (const node of deps.store.list('Node').items as Node[]) if (readyStatusOf(node) === 'True') readyNodes.add(node.metadata.name!);
      }
      for (const name of [...readyNodes]) {
        const last = live.get(name)?.lastSeen ?? started;
        if (t - last > heartbeatMs * missed) setReady(name, false, `no heartbeat for ${Math.round((t - last) / 1000)}s`);
      }
    },

    /** A node as the API shows it: the stored object plus the last heartbeat time kept in memory. */
    view(node: Node): Node {
      const l = live.get(node.metadata.name!);
      if (!l || !Number.isFinite(l.lastSeen)) return node;
      const hb = new Date(l.lastSeen).toISOString();
      const conditions = (node.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, lastHeartbeatTime: hb } : c));
      const annotations = { ...(node.metadata.annotations ?? {}) };
      if (l.report) {
        annotations['kedge.io/memory-available'] = String(l.report.memory.available);
        annotations['kedge.io/load1'] = String(l.report.cpu.load1);
        if (l.report.temperature !== undefined) annotations['kedge.io/temperature'] = String(l.report.temperature);
      }
      return { ...node, metadata: { ...node.metadata, annotations }, status: { ...(node.status ?? {}), conditions } };
    },

    report(name: string): NodeReport | undefined {
      return live.get(name)?.report;
    },

    forget(name: string) {
      live.delete(name);
      readyNodes.delete(name);
    },
  };
}

export type NodeTracker = ReturnType<typeof createNodeTracker>;
