import type { Pod } from '../../shared/pod.js';

export interface ConfigRefs {
  configMaps: Set<string>;
  secrets: Set<string>;
}

/** The ConfigMaps and Secrets (names, in the pod's namespace) a pod's env, envFrom and volumes use. */
export function podConfigRefs(pod: Pod): ConfigRefs {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const c of pod.spec.containers) {
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef) configMaps.add(e.valueFrom.configMapKeyRef.name);
      if (e.valueFrom?.secretKeyRef) secrets.add(e.valueFrom.secretKeyRef.name);
    }
    for (const f of c.envFrom ?? []) {
      if (f.configMapRef) configMaps.add(f.configMapRef.name);
      if (f.secretRef) secrets.add(f.secretRef.name);
    }
  }
  for (const v of pod.spec.volumes ?? []) {
    if (v.configMap) configMaps.add(v.configMap.name);
    if (v.secret) secrets.add(v.secret.secretName);
  }
  return { configMaps, secrets };
}
