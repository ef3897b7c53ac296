import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { joinResponseSchema, type JoinResponse } from '../../shared/messages.js';
import { writeFileAtomic } from '../../shared/atomic-file.js';

export function credentialsPath(dataDir: string): string {
  return join(dataDir, 'credentials.json');
}

/** Keeps the join answer (CA + MQTT credentials) so the agent can start while the server is unreachable. */
export async function saveCredentials(dataDir: string, creds: JoinResponse): Promise<void> {
  await writeFileAtomic(credentialsPath(dataDir), JSON.stringify(creds, null, 2), 0o600);
}

/** The saved credentials, or null when there are none or they are unreadable (with the reason). */
export async function loadCredentials(dataDir: string): Promise<{ creds: JoinResponse | null; problem?: string }> {
  const path = credentialsPath(dataDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { creds: null, problem: code === 'ENOENT' ? `${path} does not exist (the node never joined)` : `${path}: ${(e as Error).message}` };
  }
  try {
    const r = joinResponseSchema.safeParse(JSON.parse(text));
    if (r.success) return { creds: r.data };
    return { creds: null, problem: `${path} is not a valid join answer (${r.error.issues[0]?.message ?? 'invalid'})` };
  } catch (e) {
    return { creds: null, problem: `${path} is corrupt (${(e as Error).message})` };
  }
}
