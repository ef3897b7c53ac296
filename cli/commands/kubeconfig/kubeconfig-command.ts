import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { KedgeError } from '../../../shared/errors.js';
import { stringOption, sourceOf, type ParsedArgs } from '../../flags/args.js';
import type { CliIo, Command } from '../../command.js';
import { parseServerUrl } from '../../flags/flag-values.js';
import { defaultServerDataDir } from '../../flags/paths.js';

/** A standard kubeconfig (usable by kedge and kubectl) for one server with the admin token. */
export function renderKubeconfig(o: { server: string; caPem: string; token: string; name?: string }): string {
  const name = o.name ?? 'kedge';
  const user = `${name}-admin`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: o.server, 'certificate-authority-data': Buffer.from(o.caPem, 'utf8').toString('base64') } }],
    contexts: [{ name, context: { cluster: name, user } }],
    'current-context': name,
    users: [{ name: user, user: { token: o.token } }],
    preferences: {},
  });
}

/** Reads the CA and admin token the server wrote into its data dir and renders the kubeconfig. */
export function kubeconfigFromDataDir(args: ParsedArgs, io: Pick<CliIo, 'isRoot' | 'home' | 'cwd'>, readFile: (f: string) => string = (f) => readFileSync(f, 'utf8')): string {
  if (args.positionals.length) throw new KedgeError('BadRequest', `kedge kubeconfig takes no arguments, got "${args.positionals.join(' ')}"`);
  const given = stringOption(args, 'server');
  if (!given) throw new KedgeError('BadRequest', '--server is required: the address laptops reach the server at, e.g. --server https://pi-server:6443');
  const server = parseServerUrl(given, sourceOf(args, 'server'));
  const dataDir = path.resolve(io.cwd, stringOption(args, 'data-dir') ?? defaultServerDataDir(io));
  const read = (file: string, what: string): string => {
    const full = path.join(dataDir, file);
    try {
      return readFile(full);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'not found (is this the server\'s data dir, and has the server started once?)' : code === 'EACCES' ? 'permission denied (run with sudo)' : (e as Error).message;
      throw new KedgeError('NotFound', `${what} ${full}: ${why}`, { cause: e });
    }
  };
  const caPem = read(path.join('tls', 'ca.crt'), 'CA certificate');
  const token = read('admin-token', 'admin token').trim();
  if (!token) throw new KedgeError('BadRequest', `admin token ${path.join(dataDir, 'admin-token')} is empty`);
  return renderKubeconfig({ server, caPem, token, name: stringOption(args, 'name') });
}

export const kubeconfigCommand: Command = {
  name: 'kubeconfig',
  usage: 'kedge kubeconfig --server https://HOST:6443 [--data-dir DIR] > kedge.yaml',
  description: "Print an admin kubeconfig for a laptop, made from the server's CA and admin token (run it on the server).",
  flags: [
    { name: 'server', type: 'string', valueName: 'URL', description: 'Address the laptop reaches the server at (required)' },
    { name: 'data-dir', type: 'string', env: 'KEDGE_DATA_DIR', valueName: 'DIR', default: '/var/lib/kedge/server (root), ~/.kedge/server', description: "The server's data dir" },
    { name: 'name', type: 'string', valueName: 'NAME', default: 'kedge', description: 'Cluster and context name in the kubeconfig' },
  ],
  examples: ['sudo kedge kubeconfig --server https://pi-server.local:6443 > ~/.kube/kedge.yaml'],
  async run(args, io) {
    io.out(kubeconfigFromDataDir(args, io));
  },
};
