/**
 * Server-side dry run (`?dryRun=All`, what `kubectl … --dry-run=server` sends): the request is
 * admitted and written exactly as a real one, inside Store.dryRun, which rolls the write back. So
 * the same code decides (conflicts, validation, admission, already-exists), the caller sees the
 * object the write would have produced, and nothing is stored, watched or sent to a node.
 */
import type { Context } from 'hono';
import { KedgeError } from '../../shared/errors.js';
import type { KObject } from '../../shared/meta.js';
import type { Store } from '../store/types.js';
import { readJson } from './request-body.js';

const supported = 'All';

function checked(values: unknown[]): boolean {
  for (const v of values) {
    if (v !== supported) {
      const message = `Unsupported value: ${JSON.stringify(v)}: supported values: "${supported}"`;
      throw new KedgeError('BadRequest', `dryRun: ${message}`, { details: { causes: [{ field: 'dryRun', message, reason: 'FieldValueNotSupported' }] } });
    }
  }
  return values.length > 0;
}

/** Whether the query asks for a dry run; any value but "All" is a 400 naming it. */
export function dryRunQuery(c: Context): boolean {
  return checked(c.req.queries('dryRun') ?? []);
}

/** DELETE also takes dryRun in its DeleteOptions body, which is where kubectl puts it. */
export async function deleteDryRun(c: Context): Promise<boolean> {
  const inQuery = dryRunQuery(c);
  if (!(await c.req.text()).trim()) return inQuery;
  const options = await readJson(c);
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new KedgeError('BadRequest', 'request body: DeleteOptions must be a JSON object');
  const dryRun = (options as { dryRun?: unknown }).dryRun;
  if (dryRun === undefined || dryRun === null) return inQuery;
  if (!Array.isArray(dryRun)) throw new KedgeError('BadRequest', `request body: dryRun: must be a list such as ["All"], not ${JSON.stringify(dryRun)}`);
  return checked(dryRun) || inQuery;
}

/**
 * Runs `write` (synchronous store writes) for real, or — when the request asks for a dry run —
 * rolled back. A dry run's object carries the resourceVersion the stored object keeps (none for
 * one that was never created), as Kubernetes answers.
 */
export function runWrite<T extends KObject>(c: Context, store: Store, write: () => T, dryRun: boolean = dryRunQuery(c)): T {
  if (!dryRun) return write();
  const out = store.dryRun(write);
  const stored = store.get(out.kind, out.metadata.namespace ?? '', out.metadata.name ?? '');
  if (stored?.metadata.resourceVersion) out.metadata.resourceVersion = stored.metadata.resourceVersion;
  else delete out.metadata.resourceVersion;
  return out;
}
