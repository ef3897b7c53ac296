import { nodeEventsSchema, nodeReportSchema, onlineSchema, podStatusReportSchema } from '../../shared/messages.js';
import { parseTopic, type NodeTopicKind } from '../../shared/topics.js';
import { issuesText } from '../../shared/validate.js';
import { createLogThrottle } from '../broker/rate-limit.js';
import { recordNodeEvents } from '../events/node-events.js';
import type { EventRecorder } from '../events/recorder.js';
import type { Store } from '../store/types.js';
import { applyPodStatusReport } from './pod-status.js';
import type { NodeTracker } from './tracker.js';

export interface DispatchDeps {
  store: Store;
  tracker: NodeTracker;
  log: (msg: string) => void;
  /** Where the pod events nodes send are recorded; without one they are dropped. */
  events?: Pick<EventRecorder, 'record'>;
  /** Answers to the server's logs/exec requests (server/rpc); without it they are dropped. */
  rpc?: { onMessage(node: string, rest: string, payload: Buffer): void };
  /** Counts dropped messages per reason, for metrics and tests. */
  dropped?: Map<string, number>;
}

/**
 * One handler per message type, picked by an exhaustive switch. Every payload is validated with the shared schema;
 * an invalid one is dropped and logged with the node's name, never thrown.
 */
export function createNodeMessageDispatcher(deps: DispatchDeps) {
  const dropped = deps.dropped ?? new Map<string, number>();
  // Every drop is counted; a node sending the same junk over and over is logged once per 10 s.
  const logDrop = createLogThrottle({ log: deps.log });

  function drop(node: string, kind: string, why: string) {
    const key = `${kind}:${why.split(':')[0]}`;
    dropped.set(key, (dropped.get(key) ?? 0) + 1);
    logDrop(`${node} ${key}`, `dropped ${kind} message from node ${node}: ${why}`);
  }

  function parse(payload: Buffer): unknown {
    return JSON.parse(payload.toString('utf8'));
  }

  return {
    dropped,
    handle(node: string, kind: NodeTopicKind | 'rpc', payload: Buffer, topic = ''): void {
      try {
        switch (kind) {
          case 'status': {
            const r = nodeReportSchema.safeParse(parse(payload));
            if (!r.success) return drop(node, kind, `invalid: ${issuesText(r.error)}`);
            if (r.data.node !== node) return drop(node, kind, `forged: report names node ${r.data.node}`);
            deps.tracker.onReport(node, r.data);
            return;
          }
          case 'pods': {
            const r = podStatusReportSchema.safeParse(parse(payload));
            if (!r.success) return drop(node, kind, `invalid: ${issuesText(r.error)}`);
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
          case 'events': {
            if (!deps.events) return drop(node, kind, 'unsupported: this server records no events');
            const r = nodeEventsSchema.safeParse(parse(payload));
            if (!r.success) return drop(node, kind, `invalid: ${issuesText(r.error)}`);
            if (r.data.node !== node) return drop(node, kind, `forged: report names node ${r.data.node}`);
            recordNodeEvents(deps.store, deps.events, node, r.data, deps.log);
            return;
          }
          case 'desired':
            return drop(node, kind, 'forbidden: only the server publishes desired state');
          case 'rpc': {
            if (!deps.rpc) return drop(node, kind, 'unsupported: this server sends no requests to nodes');
            return deps.rpc.onMessage(node, parseTopic(topic)?.rest ?? '', payload);
          }
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
