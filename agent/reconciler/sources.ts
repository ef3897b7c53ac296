import type { ConfigMap, Secret } from '../../shared/configmap.js';

/** The ConfigMaps and Secrets the server sent with the desired state, looked up by namespace and name. */
export interface ConfigSources {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
}

export function configSources(configMaps: readonly ConfigMap[] = [], secrets: readonly Secret[] = []): ConfigSources {
  const key = (ns: string | undefined, name: string | undefined) => `${ns ?? 'default'}/${name ?? ''}`;
  const cms = new Map(configMaps.map((c) => [key(c.metadata.namespace, c.metadata.name), c]));
  const ss = new Map(secrets.map((s) => [key(s.metadata.namespace, s.metadata.name), s]));
  return {
    configMap: (ns, name) => cms.get(key(ns, name)),
    secret: (ns, name) => ss.get(key(ns, name)),
  };
}

export const noConfigSources: ConfigSources = configSources();
