import { stringify } from 'yaml';
import { KedgeError } from '../../shared/errors.js';
import { checkServerUrl } from './server-url.js';
import { writeFileAtomicSync } from '../../shared/atomic-file.js';

export interface KubeconfigOptions {
  /** The API URL, https://HOST:6443. */
  server: string;
  caPem: string;
  /** The bearer token (the admin token for the admin kubeconfig). */
  token: string;
  /** Cluster, user and context name; "kedge" by default. */
  name?: string;
}

/** A standard kubeconfig, readable by kubectl and by `kedge` itself. */
export function renderKubeconfig(o: KubeconfigOptions): string {
  checkServerUrl(o.server, 'server');
  const name = o.name ?? 'kedge';
  if (!name.trim()) throw new KedgeError('BadRequest', 'name: the kubeconfig cluster/user/context name must not be empty');
  if (!o.caPem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new KedgeError('BadRequest', 'caPem: expected a PEM certificate (-----BEGIN CERTIFICATE-----)');
  }
  if (!o.token) throw new KedgeError('BadRequest', 'token: must not be empty');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: o.server, 'certificate-authority-data': Buffer.from(o.caPem).toString('base64') } }],
    users: [{ name, user: { token: o.token } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
  });
}

/** Writes the kubeconfig atomically with mode 0600: it holds a bearer token. */
export function writeKubeconfig(path: string, o: KubeconfigOptions): void {
  writeFileAtomicSync(path, renderKubeconfig(o), 0o600);
}

// The server's startup prints the join command beside the kubeconfig path.
export { joinCommand } from './join-command.js';
