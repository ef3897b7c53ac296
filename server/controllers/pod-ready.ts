import type { Pod } from '../../shared/pod.js';

export function isPodActive(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

export function controllerUid(pod: { metadata: { ownerReferences?: { uid: string; controller?: boolean }[] } }): string | undefined {
  return pod.metadata.ownerReferences?.find((o) => o.controller)?.uid;
}
