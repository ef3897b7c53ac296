import path from 'node:path';

/** Where `kedge server` keeps its state: /var/lib for root, the home directory otherwise. */
export function defaultServerDataDir(host: { isRoot: boolean; home: string }): string {
  return host.isRoot ? '/var/lib/kedge/server' : path.join(host.home, '.kedge', 'server');
}

export const defaultAgentDataDir = '/var/lib/kedge/agent';

/** The admin kubeconfig the server writes into its data dir. */
export function serverKubeconfigPath(host: { isRoot: boolean; home: string }): string {
  return path.join(defaultServerDataDir(host), 'kedge.yaml');
}
