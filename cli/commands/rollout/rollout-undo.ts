import type { ApiClient } from '../../../shared/client.js';
import type { Deployment } from '../../../shared/deployment.js';
import { KedgeError, isKedgeError } from '../../../shared/errors.js';
import type { ReplicaSet } from '../../../shared/replicaset.js';
import { annotationsNotCopied, equalIgnoringHash, revisionOf, withoutHashLabel } from '../../../shared/revisions.js';
import { deploymentRevisions } from './rollout-history.js';

export type UndoOutcome = { rolledBack: true; revision: number } | { rolledBack: false; revision: number };

/** kubectl's choice of revision: the one asked for, else the highest below the latest. */
export function undoTarget(d: Deployment, replicaSets: ReplicaSet[], toRevision: number): ReplicaSet {
  if (toRevision > 0) {
    const rs = replicaSets.find((r) => revisionOf(r) === toRevision);
    if (!rs) throw new KedgeError('NotFound', `unable to find specified revision ${toRevision} in history`);
    return rs;
  }
  let latest: ReplicaSet | undefined;
  let previous: ReplicaSet | undefined;
  for (const rs of replicaSets) {
    const v = revisionOf(rs);
    if (!latest || v > revisionOf(latest)) {
      previous = latest;
      latest = rs;
    } else if (!previous || v > revisionOf(previous)) previous = rs;
  }
  if (!previous) throw new KedgeError('BadRequest', `no rollout history found for deployment "${d.metadata.name}"`);
  return previous;
}

/**
 * The Deployment after a rollback, as kubectl does it client-side: the chosen ReplicaSet's template
 * without its pod-template-hash label, and that ReplicaSet's annotations (change-cause among them).
 */
export function rolledBack(d: Deployment, rs: ReplicaSet): Deployment {
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (annotationsNotCopied.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {})) if (!annotationsNotCopied.has(k)) annotations[k] = v;
  return { ...d, metadata: { ...d.metadata, annotations }, spec: { ...d.spec, template: withoutHashLabel(rs.spec.template) } };
}

/** Rolls back (retrying when the Deployment changed underneath); says whether anything changed. */
export async function undoDeployment(client: Pick<ApiClient, 'get' | 'list' | 'update'>, namespace: string, name: string, toRevision: number): Promise<UndoOutcome> {
  for (let attempt = 0; ; attempt++) {
    const { d, replicaSets } = await deploymentRevisions(client, namespace, name);
    if (d.spec.paused) throw new KedgeError('BadRequest', "you cannot rollback a paused deployment; resume it first with 'kedge rollout resume' and try again");
    const rs = undoTarget(d, replicaSets, toRevision);
    if (equalIgnoringHash(rs.spec.template, d.spec.template)) return { rolledBack: false, revision: revisionOf(rs) };
    try {
      await client.update(rolledBack(d, rs));
      return { rolledBack: true, revision: revisionOf(rs) };
    } catch (e) {
      if (!isKedgeError(e, 'Conflict') || attempt >= 4) throw e;
    }
  }
}
