/** Kubernetes container environment: envFrom, env with valueFrom, $(VAR) expansion. Pure. */
import { KedgeError } from '../../shared/errors.js';
import type { Container, Pod } from '../../shared/pod.js';
import { podName, podNamespace, podUid } from './ids.js';
import type { ConfigSources } from './sources.js';

/** What fieldRef may read beyond the pod object itself. */
export interface FieldContext {
  nodeName: string;
  hostIP: string;
  /** The pod's own address on the pod network; absent: host networking, the pod's IP is the node's. */
  podIP?: string;
}

/** A missing ConfigMap, Secret or key: the container waits with reason CreateContainerConfigError. */
export function configError(message: string): KedgeError {
  return new KedgeError('NotFound', message);
}

const envName = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function decodeSecret(v: string): string {
  return Buffer.from(v, 'base64').toString('utf8');
}

function fieldValue(pod: Pod, path: string, f: FieldContext): string {
  const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (label) return (label[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[label[2]!] ?? '';
  switch (path) {
    case 'metadata.name':
      return podName(pod);
    case 'metadata.namespace':
      return podNamespace(pod);
    case 'metadata.uid':
      return podUid(pod);
    case 'spec.nodeName':
      return pod.spec.nodeName ?? f.nodeName;
    case 'status.hostIP':
      return f.hostIP;
    case 'status.podIP':
      return f.podIP ?? f.hostIP;
    default:
      throw configError(`fieldRef: unsupported fieldPath "${path}" (supported: metadata.name, metadata.namespace, metadata.uid, metadata.labels['KEY'], metadata.annotations['KEY'], spec.nodeName, status.hostIP, status.podIP)`);
  }
}

/**
 * Expands $(NAME) from the variables defined so far, as the kubelet does: $$ escapes a $, and an
 * unknown $(NAME) stays as written.
 */
export function expandVars(s: string, vars: ReadonlyMap<string, string>): string {
  return s.replace(/\$\$|\$\(([^)]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && vars.has(name) ? vars.get(name)! : m;
  });
}

/**
 * The container's environment: envFrom sources first (with prefix; keys that are not valid
 * variable names are skipped, as in Kubernetes), then env, later entries winning. Throws a
 * configError naming the missing ConfigMap, Secret or key unless the reference is optional.
 */
export function resolveEnv(pod: Pod, c: Container, sources: ConfigSources, f: FieldContext): Map<string, string> {
  const ns = podNamespace(pod);
  const vars = new Map<string, string>();
  for (const from of c.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let entries: [string, string][] = [];
    if (from.configMapRef) {
      const cm = sources.configMap(ns, from.configMapRef.name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw configError(`configmap "${from.configMapRef.name}" not found`);
      }
      entries = Object.entries(cm.data ?? {});
    } else if (from.secretRef) {
      const s = sources.secret(ns, from.secretRef.name);
      if (!s) {
        if (from.secretRef.optional) continue;
        throw configError(`secret "${from.secretRef.name}" not found`);
      }
      entries = Object.entries(s.data ?? {}).map(([k, v]) => [k, decodeSecret(v)]);
    }
    for (const [k, v] of entries) if (envName.test(prefix + k)) vars.set(prefix + k, v);
  }
  for (const e of c.env ?? []) {
    const from = e.valueFrom;
    if (!from) {
      vars.set(e.name, expandVars(e.value ?? '', vars));
      continue;
    }
    if (from.configMapKeyRef) {
      const ref = from.configMapKeyRef;
      const cm = sources.configMap(ns, ref.name);
      const v = cm?.data?.[ref.key];
      if (v === undefined) {
        if (ref.optional) continue;
        throw configError(cm ? `couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}` : `configmap "${ref.name}" not found`);
      }
      vars.set(e.name, v);
    } else if (from.secretKeyRef) {
      const ref = from.secretKeyRef;
      const s = sources.secret(ns, ref.name);
      const v = s?.data?.[ref.key];
      if (v === undefined) {
        if (ref.optional) continue;
        throw configError(s ? `couldn't find key ${ref.key} in Secret ${ns}/${ref.name}` : `secret "${ref.name}" not found`);
      }
      vars.set(e.name, decodeSecret(v));
    } else if (from.fieldRef) {
      vars.set(e.name, fieldValue(pod, from.fieldRef.fieldPath, f));
    } else {
      vars.set(e.name, '');
    }
  }
  return vars;
}
