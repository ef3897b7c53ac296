/** Pod volumes → host directories, files and bind mounts, as plain data that one small function applies. Pure. */
import { posix } from 'node:path';
import { KedgeError } from '../../shared/errors.js';
import type { Container, Pod, Volume } from '../../shared/pod.js';
import { podNamespace, podUid } from '../reconciler/ids.js';
import type { ConfigSources } from '../reconciler/sources.js';
import type { Mount } from '../runtime/driver.js';

/** Where pod volumes live on the node. */
export interface VolumeRoots {
  /** emptyDir: on the data dir's disk. */
  disk: string;
  /** configMap, secret and emptyDir medium Memory: a tmpfs when the node has one (secrets stay off the SD card). */
  memory: string;
}

export interface VolumeFile {
  /** Relative path inside the volume. */
  path: string;
  mode: number;
  content: Buffer;
}

export type PlannedVolume =
  | { name: string; type: 'files'; dir: string; files: VolumeFile[] }
  | { name: string; type: 'emptyDir'; dir: string }
  | { name: string; type: 'hostPath'; dir: string; hostType: string };

/** Kubernetes' default file mode for configMap and secret volumes (0644). */
export const defaultFileMode = 0o644;

const safeSegment = /^[A-Za-z0-9._-]+$/;

/** The pod's directory under a root; the uid comes from the server but is checked, as it becomes a path. */
export function podVolumeDir(root: string, uid: string): string {
  if (!safeSegment.test(uid) || uid === '.' || uid === '..') throw new KedgeError('Invalid', `pod uid "${uid}" cannot name a directory`);
  return posix.join(root, uid);
}

/** A relative path that stays inside its volume: no absolute paths, no "..", no empty segments. */
export function checkRelativePath(p: string, field: string): void {
  const segments = p.split('/');
  if (!p || p.startsWith('/') || segments.some((s) => s === '..' || s === '') || p.startsWith('..')) {
    throw new KedgeError('Invalid', `${field}: "${p}" must be a relative path without ".." (and must not start with "..")`);
  }
}

/** Normalized, without a trailing slash: "/var/log/" and "/var/log" are one path. */
function cleanPath(p: string): string {
  return posix.normalize(p).replace(/(.)\/+$/, '$1');
}

function configError(message: string): KedgeError {
  return new KedgeError('NotFound', message);
}

function filesOf(
  what: string,
  data: Record<string, Buffer>,
  items: { key: string; path: string; mode?: number }[] | undefined,
  defaultMode: number | undefined,
  optional: boolean,
  field: string,
): VolumeFile[] {
  const mode = defaultMode ?? defaultFileMode;
  if (!items) return Object.entries(data).map(([path, content]) => ({ path, mode, content }));
  const out: VolumeFile[] = [];
  items.forEach((it, i) => {
    checkRelativePath(it.path, `${field}.items[${i}].path`);
    const content = data[it.key];
    if (content === undefined) {
      if (optional) return;
      throw configError(`${what} has no key "${it.key}" (${field}.items[${i}].key)`);
    }
    out.push({ path: it.path, mode: it.mode ?? mode, content });
  });
  return out;
}

function planVolume(pod: Pod, v: Volume, index: number, sources: ConfigSources, roots: VolumeRoots): PlannedVolume {
  const ns = podNamespace(pod);
  const uid = podUid(pod);
  const field = `spec.volumes[${index}]`;
  if (v.configMap) {
    const src = v.configMap;
    const cm = sources.configMap(ns, src.name);
    if (!cm && !src.optional) throw configError(`configmap "${src.name}" not found (volume "${v.name}")`);
    const data: Record<string, Buffer> = {};
    for (const [k, s] of Object.entries(cm?.data ?? {})) data[k] = Buffer.from(s, 'utf8');
    for (const [k, s] of Object.entries(cm?.binaryData ?? {})) data[k] = Buffer.from(s, 'base64');
    const files = filesOf(`configmap "${src.name}"`, data, src.items, src.defaultMode, !!src.optional, `${field}.configMap`);
    return { name: v.name, type: 'files', dir: posix.join(podVolumeDir(roots.memory, uid), v.name), files };
  }
  if (v.secret) {
    const src = v.secret;
    const s = sources.secret(ns, src.secretName);
    if (!s && !src.optional) throw configError(`secret "${src.secretName}" not found (volume "${v.name}")`);
    const data: Record<string, Buffer> = {};
    for (const [k, b64] of Object.entries(s?.data ?? {})) data[k] = Buffer.from(b64, 'base64');
    const files = filesOf(`secret "${src.secretName}"`, data, src.items, src.defaultMode, !!src.optional, `${field}.secret`);
    return { name: v.name, type: 'files', dir: posix.join(podVolumeDir(roots.memory, uid), v.name), files };
  }
  if (v.hostPath) {
    if (!v.hostPath.path.startsWith('/')) throw new KedgeError('Invalid', `${field}.hostPath.path: "${v.hostPath.path}" must be absolute`);
    return { name: v.name, type: 'hostPath', dir: cleanPath(v.hostPath.path), hostType: v.hostPath.type ?? '' };
  }
  // emptyDir, and a volume with no source at all (Kubernetes defaults it to emptyDir).
  const root = v.emptyDir?.medium === 'Memory' ? roots.memory : roots.disk;
  return { name: v.name, type: 'emptyDir', dir: posix.join(podVolumeDir(root, uid), v.name) };
}

/** Every volume of the pod, with its content. Throws a NotFound KedgeError naming a missing ConfigMap, Secret or key. */
export function planPodVolumes(pod: Pod, sources: ConfigSources, roots: VolumeRoots): PlannedVolume[] {
  return (pod.spec.volumes ?? []).map((v, i) => planVolume(pod, v, i, sources, roots));
}

/** The container's bind mounts; configMap and secret volumes are always read-only, as in Kubernetes. */
export function containerMounts(c: Container, index: number, volumes: readonly PlannedVolume[]): Mount[] {
  return (c.volumeMounts ?? []).map((m, i) => {
    const field = `spec.containers[${index}].volumeMounts[${i}]`;
    const v = volumes.find((x) => x.name === m.name);
    if (!v) throw new KedgeError('Invalid', `${field}.name: volume "${m.name}" is not in spec.volumes`);
    if (!m.mountPath.startsWith('/')) throw new KedgeError('Invalid', `${field}.mountPath: "${m.mountPath}" must be absolute`);
    let source = v.dir;
    if (m.subPath) {
      checkRelativePath(m.subPath, `${field}.subPath`);
      source = posix.join(v.dir, m.subPath);
    }
    return { source, destination: cleanPath(m.mountPath), readOnly: !!m.readOnly || v.type === 'files' };
  });
}
