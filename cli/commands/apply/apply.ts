import type { ApiClient } from '../../../shared/client.js';
import { isKedgeError, KedgeError } from '../../../shared/errors.js';
import type { KObject } from '../../../shared/meta.js';
import { listOption, stringOption, type ParsedArgs } from '../../flags/args.js';
import { planApply } from './apply-plan.js';
import type { CliIo, Command } from '../../command.js';
import { dryRunFlag, dryRunSuffix, serverDryRun } from '../../flags/dry-run.js';
import { connect, connectionFlags } from '../../connection/kubeconfig.js';
import { manifestObjects, readManifestSources, type ManifestObject } from '../../manifest/manifest.js';
import { namespaceFlag } from '../../flags/namespace-flag.js';
import { kindLabel } from '../../printing/resource-names.js';

export type ApplyResult = 'created' | 'configured' | 'unchanged';
export type ApplyClient = Pick<ApiClient, 'get' | 'create' | 'update'>;

/** Errors after which applying the next object is pointless. */
const fatalCodes = new Set(['ServiceUnavailable', 'Unauthorized', 'Forbidden', 'Timeout']);

/** Creates or updates one object; retries once when someone else changed it in between. */
export async function applyObject(client: ApplyClient, m: ManifestObject): Promise<ApplyResult> {
  const { info, object } = m;
  const name = object.metadata.name!;
  for (let attempt = 0; ; attempt++) {
    let current: KObject | undefined;
    try {
      current = await client.get<KObject>(info, object.metadata.namespace, name);
    } catch (e) {
      if (!isKedgeError(e, 'NotFound')) throw e;
    }
    const plan = planApply(object, current);
    try {
      if (plan.action === 'unchanged') return 'unchanged';
      if (plan.action === 'create') {
        await client.create(plan.body);
        return 'created';
      }
      await client.update(plan.body);
      return 'configured';
    } catch (e) {
      const raced = isKedgeError(e, 'Conflict') || isKedgeError(e, 'AlreadyExists');
      if (raced && attempt === 0) continue;
      throw e;
    }
  }
}

/** Applies every object in order, printing kubectl's lines (each followed by `suffix`); returns the exit code. */
export async function applyAll(client: ApplyClient, objects: ManifestObject[], io: Pick<CliIo, 'out' | 'err'>, suffix = ''): Promise<number> {
  let failed = 0;
  for (const m of objects) {
    const ref = `${kindLabel(m.info)}/${m.object.metadata.name}`;
    for (const field of m.ignoredFields) io.err(`Warning: ${m.where}: ${ref}: unknown field "${field}" ignored\n`);
    try {
      io.out(`${ref} ${await applyObject(client, m)}${suffix}\n`);
    } catch (e) {
      if (!(e instanceof KedgeError) || fatalCodes.has(e.code)) throw e;
      io.err(`error: ${m.where}: ${ref}: ${e.message}\n`);
      failed++;
    }
  }
  return failed ? 1 : 0;
}

export const applyCommand: Command = {
  name: 'apply',
  usage: 'kedge apply -f FILE|DIR|- [-f …] [-n NAMESPACE] [--dry-run=server]',
  description: 'Create or update objects from YAML or JSON manifests (multi-document files, directories, stdin).',
  flags: [
    { name: 'filename', short: 'f', type: 'string', multiple: true, valueName: 'FILE', description: 'Manifest file, directory (*.yaml, *.yml, *.json) or - for stdin' },
    namespaceFlag,
    dryRunFlag,
    ...connectionFlags,
  ],
  examples: ['kedge apply -f examples/hello.yaml', 'cat app.yaml | kedge apply -f -', 'kedge apply -f app.yaml --dry-run=server'],
  async run(args: ParsedArgs, io) {
    const files = listOption(args, 'filename');
    if (!files.length) throw new KedgeError('BadRequest', 'apply needs -f FILE (a file, a directory or - for stdin)');
    if (args.positionals.length) throw new KedgeError('BadRequest', `apply takes no arguments, got "${args.positionals.join(' ')}"; use -f FILE`);
    const dryRun = serverDryRun(args);
    const sources = await readManifestSources(files, io.cwd, io.readStdin);
    const flagNs = stringOption(args, 'namespace');
    const read = (namespace: string) => manifestObjects(sources, { namespace, explicit: flagNs !== undefined });
    // Manifest mistakes are reported before any kubeconfig trouble.
    let objects = read(flagNs ?? 'default');
    const { client, connection } = connect(args, io, { dryRun });
    if (!flagNs && connection.namespace) objects = read(connection.namespace);
    return applyAll(client, objects, io, dryRunSuffix(dryRun));
  },
};
