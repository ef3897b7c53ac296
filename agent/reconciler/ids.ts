import { createHash } from 'node:crypto';
import type { Pod } from '../../shared/pod.js';

/** containerd's identifier rule: alphanumerics separated by single '.', '_' or '-', at most 76 characters. */
const maxIdLength = 76;

/** The pod's uid; pods without one (never from the server) fall back to namespace-name. */
export function podUid(pod: Pod): string {
  return pod.metadata.uid ?? `${podNamespace(pod)}-${pod.metadata.name ?? 'unnamed'}`;
}

export function podNamespace(pod: Pod): string {
  return pod.metadata.namespace ?? 'default';
}

export function podName(pod: Pod): string {
  return pod.metadata.name ?? podUid(pod);
}

/** `${uid}-${container}` made acceptable to containerd; long ids keep a hash of the full one so they stay unique. */
export function containerId(uid: string, container: string): string {
  const raw = `${uid}-${container}`;
  let id = raw.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/[._-]{2,}/g, '-').replace(/^[._-]+|[._-]+$/g, '');
  if (id.length <= maxIdLength && id === raw) return id;
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  if (id.length + hash.length + 1 > maxIdLength) id = id.slice(0, maxIdLength - hash.length - 1).replace(/[._-]+$/, '');
  return `${id || 'c'}-${hash}`;
}
