import { nodeReportSchema, onlineSchema, podStatusReportSchema } from '../../shared/messages.js';
import type { NodeTopicKind } from '../../shared/topics.js';
import { fieldPath } from '../../shared/validate.js';
import type { Store } from '../store/types.js';
import { applyPodStatusReport } from './pod-status.js';
import type { NodeTracker } from './tracker.js';

export interface DispatchDeps {
  store: Store;
  tracker: NodeTracker;
  log: (msg: string) => void;
  /** Counts dropped messages per reason, for metrics and tests. */
  dropped?: Map<string, number>;
}

/**
 * One handler per message type (STYLE rule 11). Every payload is validated with the shared schema;
 * an invalid one is dropped and logged with the node's name, never thrown.
 */
export function createNodeMessageDispatcher(deps: DispatchDeps) {
  const dropped = deps.dropped ?? new Map<string, number>();

  function drop(node: string, kind: string, why: string) {
    const key = `${kind}:${why.split(':')[0]}`;
    dropped.set(key, (dropped.get(key) ?? 0) + 1);
    deps.log(`dropped ${kind} message from node ${node}: ${why}`);
  }

  function parse(payload: Buffer): unknown {
    return JSON.parse(payload.toString('utf8'));
  }

  return {
    dropped,
    handle(node: string, kind: NodeTopicKind | 'rpc', payload: Buffer): void {
      try {
        switch (kind) {
          case 'status': {
            const r = nodeReportSchema.safeParse(parse(payload));
            if (!r.success) return drop(node, kind, `invalid: ${r.error.issues.map((i) => `${fieldPath(i.path)} ${i.message}`).join('; ')}`);
            if (r.data.node !== node) return drop(node, kind, `forged: report names node ${r.data.node}`);
            deps.tracker.onReport(node, r.data);
            return;
          }
          case 'pods': {
            const r = podStatusReportSchema.safeParse(parse(payload));
            if (!r.success) return drop(node, kind, `invalid: ${r.error.issues.map((i) => `${fieldPath(i.path)} ${i.message}`).join('; ')}`);
            if (r.data.node !== node) return drop(node, kind, `forged: report names node ${r.data.node}`);
            applyPodStatusReport(deps.store, node, r.data, deps.log);
            return;
          }
          case 'online': {
            const r = onlineSchema.safeParse(payload.toString('utf8'));
            if (!r.success) return drop(node, kind, 'invalid: expected "1" or "0"');
            deps.tracker.onOnline(node, r.data === '1');
            return;
          }
          case 'events':
            return drop(node, kind, 'unsupported: this server does not record node events yet');
          case 'desired':
            return drop(node, kind, 'forbidden: only the server publishes desired state');
          case 'rpc':
            return; // request/response arrives with the logs/exec work
          default: {
            const never: never = kind;
            return drop(node, String(never), 'unknown topic');
          }
        }
      } catch (e) {
        drop(node, kind, `unreadable: ${(e as Error).message}`);
      }
    },
  };
}
