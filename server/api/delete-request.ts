import type { Context } from 'hono';
import { deleteOptionsSchema, propagationPolicies, type DeleteOptions, type PropagationPolicy } from '../../shared/delete-options.js';
import { KedgeError } from '../../shared/errors.js';
import type { KindInfo } from '../../shared/kinds.js';
import type { KObject } from '../../shared/meta.js';
import type { DeleteOutcome } from '../deletion/delete.js';
import type { DeleteRequest } from '../deletion/plan.js';
import { jsonDepth, maxJsonDepth } from './json-depth.js';

/**
 * DeleteOptions from the query (gracePeriodSeconds, propagationPolicy, orphanDependents) and the
 * body (kubectl sends one on every delete); the body wins, as in Kubernetes. dryRun is dry-run.ts's.
 */
export async function readDeleteRequest(c: Context): Promise<DeleteRequest> {
  const fromQuery = queryOptions(c);
  const text = await c.req.text();
  let body: DeleteOptions = {};
  if (text.trim()) {
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch (e) {
      throw new KedgeError('BadRequest', `request body: malformed JSON in DeleteOptions: ${(e as Error).message}`, { cause: e });
    }
    if (jsonDepth(value) > maxJsonDepth) throw new KedgeError('BadRequest', `request body: nested more than ${maxJsonDepth} levels deep`);
    const parsed = deleteOptionsSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new KedgeError('BadRequest', `request body: DeleteOptions.${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    body = parsed.data;
  }
  const o: DeleteOptions = { ...fromQuery, ...body };
  if (o.orphanDependents !== undefined && o.propagationPolicy !== undefined) {
    throw invalid('propagationPolicy', 'orphanDependents and propagationPolicy cannot both be set');
  }
  const policy: PropagationPolicy | undefined = o.propagationPolicy ?? (o.orphanDependents === undefined ? undefined : o.orphanDependents ? 'Orphan' : 'Background');
  return {
    ...(o.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: o.gracePeriodSeconds } : {}),
    ...(policy ? { propagationPolicy: policy } : {}),
    ...(o.preconditions ? { preconditions: o.preconditions } : {}),
  };
}

function queryOptions(c: Context): DeleteOptions {
  const out: DeleteOptions = {};
  const grace = c.req.query('gracePeriodSeconds');
  if (grace !== undefined) {
    if (!/^-?\d+$/.test(grace.trim())) throw new KedgeError('BadRequest', `gracePeriodSeconds: "${grace}" is not a whole number of seconds`);
    out.gracePeriodSeconds = Number(grace);
  }
  const policy = c.req.query('propagationPolicy');
  if (policy !== undefined) {
    if (!(propagationPolicies as readonly string[]).includes(policy)) {
      throw invalid('propagationPolicy', `Unsupported value: "${policy}": supported values: ${propagationPolicies.map((p) => `"${p}"`).join(', ')}`);
    }
    out.propagationPolicy = policy as PropagationPolicy;
  }
  const orphan = c.req.query('orphanDependents');
  if (orphan !== undefined) {
    if (orphan !== 'true' && orphan !== 'false') throw new KedgeError('BadRequest', `orphanDependents: "${orphan}" is not true or false`);
    out.orphanDependents = orphan === 'true';
  }
  return out;
}

function invalid(field: string, message: string): KedgeError {
  return new KedgeError('Invalid', `DeleteOptions.meta.k8s.io "" is invalid: ${field}: ${message}`, {
    details: { kind: 'DeleteOptions', causes: [{ field, message, reason: 'FieldValueNotSupported' }] },
  });
}

/** Kinds whose DELETE answers with the object itself even once it is gone (Kubernetes' ReturnDeletedObject). */
const returnsDeletedObject = new Set(['Pod', 'Namespace', 'Service']);

/**
 * What DELETE answers, as Kubernetes does: the object while something still holds it (grace period,
 * finalizers); once it is gone, a Status naming it (its uid lets kubectl wait for exactly this one).
 */
export function deleteResponseBody(info: KindInfo, outcome: Pick<DeleteOutcome, 'object' | 'removed'>): KObject | Record<string, unknown> {
  if (!outcome.removed || returnsDeletedObject.has(info.kind)) return outcome.object;
  const m = outcome.object.metadata;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: m.name, ...(info.group ? { group: info.group } : {}), kind: info.plural, uid: m.uid },
  };
}
