import type { Pod } from '../../../shared/pod.js';
import { controllerOf } from '../../../shared/meta.js';

export interface DrainOptions {
  ignoreDaemonsets: boolean;
  force: boolean;
  deleteEmptydirData: boolean;
}

export interface DrainPlan {
  /** Pods to delete, in order. */
  delete: Pod[];
  /** kubectl's warnings, e.g. "ignoring DaemonSet-managed Pods: default/collector-x". */
  warnings: string[];
  /** Why the drain cannot go on; empty when it can. */
  errors: string[];
}

const key = (p: Pod) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;

/**
 * kubectl drain's pod filters, in its order: finished pods always go; DaemonSet pods are skipped
 * with --ignore-daemonsets, else refused (their controller would put them straight back); pods
 * without a controller are deleted only with --force (nothing would replace them); pods with
 * emptyDir data only with --delete-emptydir-data (the data is lost).
 */
export function planDrain(pods: Pod[], o: DrainOptions): DrainPlan {
  const daemons: string[] = [];
  const unmanaged: string[] = [];
  const refusedDaemons: string[] = [];
  const refusedUnmanaged: string[] = [];
  const refusedLocal: string[] = [];
  const deleted: Pod[] = [];
  for (const p of [...pods].sort((a, b) => key(a).localeCompare(key(b)))) {
    if (p.metadata.deletionTimestamp) continue;
    const finished = p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
    const controller = controllerOf(p);
    if (!finished && controller?.kind === 'DaemonSet') {
      (o.ignoreDaemonsets ? daemons : refusedDaemons).push(key(p));
      continue;
    }
    if (!finished && !controller) {
      if (!o.force) {
        refusedUnmanaged.push(key(p));
        continue;
      }
      unmanaged.push(key(p));
    }
    if (!finished && !o.deleteEmptydirData && (p.spec.volumes ?? []).some((v) => v.emptyDir)) {
      refusedLocal.push(key(p));
      continue;
    }
    deleted.push(p);
  }
  const errors: string[] = [];
  if (refusedDaemons.length) errors.push(`cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${refusedDaemons.join(', ')}`);
  if (refusedUnmanaged.length) errors.push(`cannot delete Pods that declare no controller (use --force to override): ${refusedUnmanaged.join(', ')}`);
  if (refusedLocal.length) errors.push(`cannot delete Pods with local storage (use --delete-emptydir-data to override): ${refusedLocal.join(', ')}`);
  const warnings: string[] = [];
  if (daemons.length) warnings.push(`ignoring DaemonSet-managed Pods: ${daemons.join(', ')}`);
  if (unmanaged.length) warnings.push(`deleting Pods that declare no controller: ${unmanaged.join(', ')}`);
  return { delete: deleted, warnings, errors };
}
