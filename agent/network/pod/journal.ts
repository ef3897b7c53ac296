/**
 * What the agent has attached, on disk: an entry is written before the namespace is made and the
 * plugins are called (intent first), so a crash at any point leaves a record of what to undo.
 */
import { mkdir, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../../shared/atomic-file.js';

const pluginConfSchema = z.looseObject({ type: z.string() });
const networkListSchema = z.object({ cniVersion: z.string(), name: z.string(), plugins: z.array(pluginConfSchema) });

export const journalEntrySchema = z.object({
  uid: z.string().min(1),
  /** CNI_CONTAINERID and the name of the pod's namespace and files. */
  id: z.string().min(1),
  namespace: z.string(),
  name: z.string(),
  netns: z.string().min(1),
  /**
   * adding: ADD may have run, partly or whole; attached: ADD finished and `ip` is the pod's;
   * released: torn down, `ip` kept so the pod gets its address back when it is attached again.
   */
  state: z.enum(['adding', 'attached', 'released']),
  ip: z.string().optional(),
  /** The lists ADD ran with: DEL must get the same configuration. */
  network: networkListSchema.optional(),
  loopback: networkListSchema.optional(),
  /** The ADD's final result, handed back to DEL as prevResult. */
  result: z.unknown().optional(),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

const journalSchema = z.object({ version: z.literal(1), pods: z.array(journalEntrySchema) });

/** The entries by pod uid; a missing file is an empty journal, an unreadable one is set aside (and the sweep of leases and namespaces makes up for it). */
export async function loadJournal(path: string, log: (m: string) => void): Promise<Map<string, JournalEntry>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw e;
  }
  let parsed: z.infer<typeof journalSchema>;
  try {
    parsed = journalSchema.parse(JSON.parse(text));
  } catch (e) {
    const aside = `${path}.corrupt`;
    log(`pod network journal ${path} is unreadable (${(e as Error).message.split('\n')[0]}); moved to ${aside}, leftovers are found by scanning`);
    await rename(path, aside).catch(() => undefined);
    return new Map();
  }
  return new Map(parsed.pods.map((p) => [p.uid, p]));
}

export async function saveJournal(path: string, entries: ReadonlyMap<string, JournalEntry>): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${JSON.stringify({ version: 1, pods: [...entries.values()] })}\n`);
}
