import { desiredStateSchema, type DesiredState } from '../../shared/messages.js';
import { parseMessage } from './message.js';

/**
 * Reads a retained desired-state message for `node`: null (with a log line naming the problem) for
 * an empty, non-JSON, invalid or misaddressed payload. Never throws.
 */
export function parseDesiredMessage(node: string, payload: Buffer, log: (msg: string) => void): DesiredState | null {
  const state = parseMessage(desiredStateSchema, `desired state for node ${node}`, payload, log);
  if (state && state.node !== node) {
    log(`desired state dropped: it is for node ${state.node}, this is ${node}`);
    return null;
  }
  return state;
}
