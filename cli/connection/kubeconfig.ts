import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createApiClient, type ApiClient, type ClientOptions } from '../../shared/client.js';
import { KedgeError } from '../../shared/errors.js';
import { stringOption, type FlagSpec, type ParsedArgs } from '../flags/args.js';
import type { CliIo } from '../command.js';
import { serverKubeconfigPath } from '../flags/paths.js';

/** Flags every command that talks to the API accepts. */
export const connectionFlags: FlagSpec[] = [
  { name: 'kubeconfig', type: 'string', valueName: 'FILE', description: 'kubeconfig to use (default: $KUBECONFIG, the server\'s kedge.yaml, ~/.kube/config)' },
  { name: 'context', type: 'string', valueName: 'NAME', description: 'kubeconfig context to use (default: its current-context)' },
];

interface Entry<T> {
  value: T;
  /** The file that defined it: relative paths inside resolve against its directory. */
  file: string;
}

interface ClusterEntry { server?: string; 'certificate-authority'?: string; 'certificate-authority-data'?: string; 'insecure-skip-tls-verify'?: boolean }
interface ContextEntry { cluster?: string; user?: string; namespace?: string }
interface UserEntry { token?: string; tokenFile?: string; 'client-certificate'?: string; 'client-certificate-data'?: string }

export interface MergedKubeconfig {
  files: string[];
  currentContext?: Entry<string>;
  clusters: Map<string, Entry<ClusterEntry>>;
  contexts: Map<string, Entry<ContextEntry>>;
  users: Map<string, Entry<UserEntry>>;
}

/** Where the client connects and as whom. */
export interface Connection {
  client: ClientOptions;
  context: string;
  /** The context's namespace, if it sets one. */
  namespace?: string;
  files: string[];
}

/** Merges kubeconfig files as kubectl does: the first file to set a name or current-context wins. */
export function mergeKubeconfigs(files: { path: string; text: string }[]): MergedKubeconfig {
  const merged: MergedKubeconfig = { files: files.map((f) => f.path), clusters: new Map(), contexts: new Map(), users: new Map() };
  for (const f of files) {
    let doc: unknown;
    try {
      doc = parseYaml(f.text);
    } catch (e) {
      throw new KedgeError('BadRequest', `kubeconfig ${f.path}: not valid YAML: ${(e as Error).message.split('\n')[0]}`, { cause: e });
    }
    if (doc === null || doc === undefined) continue;
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new KedgeError('BadRequest', `kubeconfig ${f.path}: expected a mapping with clusters, contexts and users`);
    const d = doc as Record<string, unknown>;
    if (typeof d['current-context'] === 'string' && d['current-context'] && !merged.currentContext) {
      merged.currentContext = { value: d['current-context'], file: f.path };
    }
    addNamed(merged.clusters, d.clusters, 'cluster', f.path);
    addNamed(merged.contexts, d.contexts, 'context', f.path);
    addNamed(merged.users, d.users, 'user', f.path);
  }
  return merged;
}

function addNamed<T>(into: Map<string, Entry<T>>, list: unknown, field: string, file: string): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) throw new KedgeError('BadRequest', `kubeconfig ${file}: ${field}s must be a list`);
  list.forEach((item, i) => {
    const it = item as Record<string, unknown> | null;
    if (!it || typeof it.name !== 'string') throw new KedgeError('BadRequest', `kubeconfig ${file}: ${field}s[${i}] has no name`);
    if (!into.has(it.name)) into.set(it.name, { value: (it[field] ?? {}) as T, file });
  });
}

/** Picks the context and turns it into client options; `readFile` reads CA and token files. */
export function resolveConnection(merged: MergedKubeconfig, contextName: string | undefined, readFile: (file: string) => string): Connection {
  const where = merged.files.join(', ');
  const name = contextName ?? merged.currentContext?.value;
  const known = [...merged.contexts.keys()];
  if (!name) {
    throw new KedgeError('BadRequest', `kubeconfig ${where} has no current-context; pass --context (contexts: ${known.join(', ') || 'none'})`);
  }
  const ctx = merged.contexts.get(name);
  if (!ctx) throw new KedgeError('NotFound', `context "${name}" not found in kubeconfig ${where} (contexts: ${known.join(', ') || 'none'})`);
  const clusterName = ctx.value.cluster;
  const cluster = clusterName ? merged.clusters.get(clusterName) : undefined;
  if (!cluster) throw new KedgeError('NotFound', `context "${name}" in ${ctx.file} refers to cluster "${clusterName ?? ''}", which is not defined in ${where}`);
  const c = cluster.value;
  if (!c.server) throw new KedgeError('BadRequest', `cluster "${clusterName}" in ${cluster.file} has no server`);
  const client: ClientOptions = { server: c.server };
  if (c['certificate-authority-data']) client.ca = Buffer.from(c['certificate-authority-data'], 'base64').toString('utf8');
  else if (c['certificate-authority']) client.ca = readRelative(c['certificate-authority'], cluster.file, `certificate-authority of cluster "${clusterName}"`, readFile);
  if (c['insecure-skip-tls-verify'] === true) client.insecure = true;

  const userName = ctx.value.user;
  if (userName) {
    const user = merged.users.get(userName);
    if (!user) throw new KedgeError('NotFound', `context "${name}" in ${ctx.file} refers to user "${userName}", which is not defined in ${where}`);
    const u = user.value;
    if (u.token) client.token = u.token;
    else if (u.tokenFile) client.token = readRelative(u.tokenFile, user.file, `tokenFile of user "${userName}"`, readFile).trim();
    else if (u['client-certificate'] || u['client-certificate-data']) {
      throw new KedgeError('BadRequest', `user "${userName}" in ${user.file} uses a client certificate; kedge authenticates with a token (use the kubeconfig from "kedge kubeconfig")`);
    }
  }
  return { client, context: name, ...(ctx.value.namespace ? { namespace: ctx.value.namespace } : {}), files: merged.files };
}

function readRelative(file: string, kubeconfig: string, what: string, readFile: (file: string) => string): string {
  const full = path.resolve(path.dirname(kubeconfig), file);
  try {
    return readFile(full);
  } catch (e) {
    throw new KedgeError('BadRequest', `${what} in ${kubeconfig}: cannot read ${full}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

/** Which kubeconfig files to read, in kubectl's order of precedence. */
export function kubeconfigCandidates(args: ParsedArgs, io: Pick<CliIo, 'env' | 'cwd' | 'home' | 'isRoot'>): { paths: string[]; mode: 'flag' | 'env' | 'default' } {
  const flag = stringOption(args, 'kubeconfig');
  if (flag) return { paths: [path.resolve(io.cwd, flag)], mode: 'flag' };
  const env = io.env.KUBECONFIG;
  if (env) return { paths: env.split(path.delimiter).filter(Boolean).map((p) => path.resolve(io.cwd, p)), mode: 'env' };
  return { paths: [serverKubeconfigPath(io), path.join(io.home, '.kube', 'config')], mode: 'default' };
}

/** Reads the kubeconfig(s) the flags and environment point at and resolves the context. */
export function loadConnection(
  args: ParsedArgs,
  io: Pick<CliIo, 'env' | 'cwd' | 'home' | 'isRoot'>,
  readFile: (file: string) => string = (f) => readFileSync(f, 'utf8'),
): Connection {
  const { paths, mode } = kubeconfigCandidates(args, io);
  const files: { path: string; text: string }[] = [];
  for (const p of paths) {
    let text: string;
    try {
      text = readFile(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && mode !== 'flag') continue;
      if (code === 'ENOENT') throw new KedgeError('NotFound', `kubeconfig ${p}: file not found`);
      if (code === 'EACCES') throw new KedgeError('Forbidden', `kubeconfig ${p}: permission denied (the server's admin kubeconfig is readable by root only: use sudo, or "sudo kedge kubeconfig --server https://HOST:6443 > ~/.kube/config")`);
      throw new KedgeError('BadRequest', `kubeconfig ${p}: ${(e as Error).message}`, { cause: e });
    }
    files.push({ path: p, text });
    // Without KUBECONFIG kubectl reads one file, not a merge of the defaults.
    if (mode === 'default') break;
  }
  if (!files.length) {
    const hint = 'pass --kubeconfig FILE or set KUBECONFIG (on the server: sudo kedge kubeconfig --server https://HOST:6443 > ~/.kube/config)';
    if (mode === 'env') throw new KedgeError('NotFound', `no kubeconfig found: none of the files in KUBECONFIG exist (${paths.join(', ')}); ${hint}`);
    throw new KedgeError('NotFound', `no kubeconfig found: tried ${paths.join(', ')}; ${hint}`);
  }
  return resolveConnection(mergeKubeconfigs(files), stringOption(args, 'context'), readFile);
}

export function connect(args: ParsedArgs, io: Pick<CliIo, 'env' | 'cwd' | 'home' | 'isRoot'>, o: { dryRun?: boolean } = {}): { client: ApiClient; connection: Connection } {
  const connection = loadConnection(args, io);
  // Errors about the address, the CA or the token then name the file and context they came from.
  const source = `kubeconfig ${connection.files.join(path.delimiter)}, context "${connection.context}"`;
  return { client: createApiClient({ ...connection.client, source, dryRun: o.dryRun }), connection };
}
