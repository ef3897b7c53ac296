import type { Pod } from '../../shared/pod.js';

/** Not finished and not being deleted: what a controller counts as one of its replicas. */
export function isPodActive(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}
