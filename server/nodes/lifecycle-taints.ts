import type { Node, Taint } from '../../shared/node.js';
import { readyStatusOf } from './status.js';

/** Kubernetes' taint keys for nodes whose Ready condition is Unknown (no news) and False (the node says it is not ready). */
export const unreachableTaintKey = 'node.kubernetes.io/unreachable';
export const notReadyTaintKey = 'node.kubernetes.io/not-ready';

const lifecycleKeys = new Set([unreachableTaintKey, notReadyTaintKey]);

function isLifecycleTaint(t: Taint): boolean {
  return lifecycleKeys.has(t.key) && t.effect === 'NoExecute';
}

/** The NoExecute lifecycle taint a node should carry for its Ready condition, if any. */
export function lifecycleTaintKey(node: Node): string | undefined {
  switch (readyStatusOf(node)) {
    case 'Unknown':
      return unreachableTaintKey;
    case 'False':
      return notReadyTaintKey;
    default:
      // Ready, or no report yet (nothing runs there): no lifecycle taint.
      return undefined;
  }
}

/**
 * The node with exactly the lifecycle taint its Ready condition calls for, keeping other taints and
 * the original timeAdded of a taint already there (it starts the eviction countdown). Returns the
 * same object when nothing changes, so callers can skip the write.
 */
export function withLifecycleTaints(node: Node, now: Date): Node {
  const taints = node.spec?.taints ?? [];
  const want = lifecycleTaintKey(node);
  const kept = taints.filter((t) => !isLifecycleTaint(t) || t.key === want);
  const has = want !== undefined && kept.some((t) => t.key === want && t.effect === 'NoExecute');
  if (kept.length === taints.length && (want === undefined || has)) return node;
  const next = has || want === undefined ? kept : [...kept, { key: want, effect: 'NoExecute' as const, timeAdded: now.toISOString().replace(/\.\d+Z$/, 'Z') }];
  const spec = { ...(node.spec ?? {}) };
  if (next.length) spec.taints = next;
  else delete spec.taints;
  return { ...node, spec };
}
