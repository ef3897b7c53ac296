import type { ApiClient } from '../../../shared/client.js';
import { isKedgeError, KedgeError } from '../../../shared/errors.js';
import { boolOption, listOption, stringOption, type ParsedArgs } from '../../flags/args.js';
import type { CliIo, Command } from '../../command.js';
import { dryRunFlag, dryRunSuffix, serverDryRun } from '../../flags/dry-run.js';
import { kindAndNames } from '../../flags/kind-arg.js';
import { connect, connectionFlags } from '../../connection/kubeconfig.js';
import { manifestRefs, readManifestSources, type ManifestSource, type ObjectRef } from '../../manifest/manifest.js';
import { namespaceFlag } from '../../flags/namespace-flag.js';
import { kindLabel, notFoundLine } from '../../printing/resource-names.js';

type Target = Pick<ObjectRef, 'info' | 'name' | 'namespace'>;

/** Deletes each target, printing kubectl's lines (each followed by `suffix`); returns 1 when any was missing (unless ignored). */
export async function runDelete(client: Pick<ApiClient, 'delete'>, targets: Target[], o: { ignoreNotFound: boolean; suffix?: string }, io: Pick<CliIo, 'out' | 'err'>): Promise<number> {
  let code = 0;
  for (const t of targets) {
    try {
      await client.delete(t.info, t.namespace, t.name);
      io.out(`${kindLabel(t.info)} "${t.name}" deleted${o.suffix ?? ''}\n`);
    } catch (e) {
      if (!isKedgeError(e, 'NotFound')) throw e;
      if (o.ignoreNotFound) continue;
      io.err(`${notFoundLine(t.info, t.name)}\n`);
      code = 1;
    }
  }
  return code;
}

/** Manifests (already read) or KIND NAME arguments → what to delete. */
export function deleteTargets(args: ParsedArgs, sources: ManifestSource[], contextNamespace: string | undefined): Target[] {
  const flagNs = stringOption(args, 'namespace');
  const namespace = flagNs ?? contextNamespace ?? 'default';
  if (sources.length) {
    if (args.positionals.length) throw new KedgeError('BadRequest', 'delete: give -f FILE or KIND NAME, not both');
    return manifestRefs(sources, { namespace, explicit: flagNs !== undefined });
  }
  const target = kindAndNames(args.positionals, 'delete');
  if (!target) throw new KedgeError('BadRequest', 'delete needs -f FILE or KIND NAME, e.g. "kedge delete deploy hello"');
  if (!target.names.length) throw new KedgeError('BadRequest', `delete: name the ${target.info.plural} to delete, e.g. "kedge delete ${target.info.singular} NAME"`);
  return target.names.map((name) => ({ info: target.info, name, ...(target.info.namespaced ? { namespace } : {}) }));
}

export const deleteCommand: Command = {
  name: 'delete',
  usage: 'kedge delete (-f FILE|DIR|- | KIND NAME… | KIND/NAME…) [-n NAMESPACE] [--dry-run=server]',
  description: 'Delete objects named in manifests or on the command line.',
  flags: [
    { name: 'filename', short: 'f', type: 'string', multiple: true, valueName: 'FILE', description: 'Manifest file, directory or - for stdin naming what to delete' },
    namespaceFlag,
    { name: 'ignore-not-found', type: 'boolean', description: 'Do not fail when an object does not exist' },
    dryRunFlag,
    ...connectionFlags,
  ],
  examples: ['kedge delete -f examples/hello.yaml', 'kedge delete deploy hello', 'kedge delete pod/hello-6d4f9-x2k1q'],
  async run(args, io) {
    const files = listOption(args, 'filename');
    const sources = files.length ? await readManifestSources(files, io.cwd, io.readStdin) : [];
    deleteTargets(args, sources, undefined); // argument and manifest mistakes before kubeconfig trouble
    const dryRun = serverDryRun(args);
    const { client, connection } = connect(args, io, { dryRun });
    const o = { ignoreNotFound: boolOption(args, 'ignore-not-found'), suffix: dryRunSuffix(dryRun) };
    return runDelete(client, deleteTargets(args, sources, connection.namespace), o, io);
  },
};
