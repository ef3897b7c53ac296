import type { z } from 'zod';
import { issuesText } from '../../shared/validate.js';

/**
 * Reads one MQTT payload with its schema: null (with a log line naming the problem) for an empty,
 * non-JSON or invalid payload. Never throws: whatever arrives, the agent keeps its last good state.
 * `what` names the message in the log, e.g. "desired state for node edge-1".
 */
export function parseMessage<T>(schema: z.ZodType<T>, what: string, payload: Buffer, log: (msg: string) => void): T | null {
  if (payload.length === 0) {
    log(`${what}: empty retained message ignored`);
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (e) {
    log(`${what} dropped: not JSON (${(e as Error).message})`);
    return null;
  }
  let r;
  try {
    r = schema.safeParse(json);
  } catch (e) {
    // zod recurses: an absurdly deep payload ends in a stack overflow, which is just another invalid message
    log(`${what} dropped: unreadable (${(e as Error).message})`);
    return null;
  }
  if (!r.success) {
    const why = issuesText(r.error);
    log(`${what} dropped: invalid (${why})`);
    return null;
  }
  return r.data;
}
