import { desiredStateSchema, type DesiredState } from '../../shared/messages.js';
import { issuesText } from '../../shared/validate.js';

/**
 * Reads a retained desired-state message for `node`: null (with a log line naming the problem) for
 * an empty, non-JSON, invalid or misaddressed payload. Never throws: whatever arrives, the agent
 * keeps running its last good state.
 */
export function parseDesiredMessage(node: string, payload: Buffer, log: (msg: string) => void): DesiredState | null {
  if (payload.length === 0) {
    log('desired state: empty retained message ignored');
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (e) {
    log(`desired state for node ${node} dropped: not JSON (${(e as Error).message})`);
    return null;
  }
  let r;
  try {
    r = desiredStateSchema.safeParse(json);
  } catch (e) {
    // zod recurses: an absurdly deep payload ends in a stack overflow, which is just another invalid message
    log(`desired state for node ${node} dropped: unreadable (${(e as Error).message})`);
    return null;
  }
  if (!r.success) {
    const why = issuesText(r.error);
    log(`desired state for node ${node} dropped: invalid (${why})`);
    return null;
  }
  if (r.data.node !== node) {
    log(`desired state dropped: it is for node ${r.data.node}, this is ${node}`);
    return null;
  }
  return r.data;
}
