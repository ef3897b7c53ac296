import { KedgeError } from '../../../shared/errors.js';
import type { KindInfo } from '../../../shared/kinds.js';
import { labelsSchema, type KObject } from '../../../shared/meta.js';
import { boolOption, stringOption, type ParsedArgs } from '../../flags/args.js';
import type { CliIo, Command } from '../../command.js';
import { kindAndNames } from '../../flags/kind-arg.js';
import { connect, connectionFlags } from '../../connection/kubeconfig.js';
import { namespaceFlag } from '../../flags/namespace-flag.js';
import { objectClient, type ObjectClient } from '../../connection/object-client.js';
import { kindLabel } from '../../printing/resource-names.js';

export interface LabelRequest {
  info: KindInfo;
  names: string[];
  namespace?: string;
  set: Record<string, string>;
  remove: string[];
  overwrite: boolean;
}

/** `KIND NAME… key=value… key-…` → what to change (no I/O); keys and values checked as the API would. */
export function labelRequestFromArgs(args: ParsedArgs, contextNamespace: string | undefined): LabelRequest {
  const isChange = (a: string) => a.includes('=') || a.endsWith('-');
  const objects = args.positionals.filter((a) => !isChange(a));
  const changes = args.positionals.filter(isChange);
  const target = kindAndNames(objects, 'label');
  if (!target || !target.names.length) throw new KedgeError('BadRequest', 'label needs a resource and labels, e.g. "kedge label node edge-1 role=camera"');
  if (!changes.length) throw new KedgeError('BadRequest', 'label: give at least one key=value to set or key- to remove');
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const c of changes) {
    if (c.includes('=')) {
      const eq = c.indexOf('=');
      set[c.slice(0, eq)] = c.slice(eq + 1);
    } else remove.push(c.slice(0, -1));
  }
  const both = remove.find((k) => k in set);
  if (both) throw new KedgeError('BadRequest', `label: can not both modify and remove the label "${both}" in the same command`);
  const r = labelsSchema.safeParse({ ...set, ...Object.fromEntries(remove.map((k) => [k, ''])) });
  if (!r.success) {
    const issue = r.error.issues[0]!;
    // zod reports a bad record key as "Invalid key in record" and keeps the reason inside.
    const inner = 'issues' in issue && Array.isArray(issue.issues) ? (issue.issues as { message: string }[])[0]?.message : undefined;
    throw new KedgeError('BadRequest', `label "${String(issue.path[0] ?? '')}": ${inner ?? issue.message}`);
  }
  const namespace = target.info.namespaced ? stringOption(args, 'namespace') ?? contextNamespace ?? 'default' : undefined;
  return { info: target.info, names: target.names, namespace, set, remove, overwrite: boolOption(args, 'overwrite') };
}

/** Applies the change to each object with a merge patch, printing kubectl's lines; returns the exit code. */
export async function runLabel(client: ObjectClient, req: LabelRequest, io: Pick<CliIo, 'out' | 'err'>): Promise<number> {
  for (const name of req.names) {
    const obj = await client.get<KObject>(req.info, req.namespace, name);
    const current = obj.metadata.labels ?? {};
    if (!req.overwrite) {
      const clash = Object.entries(req.set).filter(([k, v]) => k in current && current[k] !== v);
      if (clash.length) {
        io.err(clash.map(([k]) => `error: '${k}' already has a value (${current[k]}), and --overwrite is false\n`).join(''));
        return 1;
      }
    }
    const patch: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(req.set)) if (current[k] !== v) patch[k] = v;
    for (const k of req.remove) {
      if (k in current) patch[k] = null;
      else io.err(`label "${k}" not found.\n`);
    }
    const ref = `${kindLabel(req.info)}/${name}`;
    if (Object.keys(patch).length === 0) {
      io.out(`${ref} not labeled\n`);
      continue;
    }
    await client.patch(req.info, req.namespace, name, { metadata: { labels: patch } });
    io.out(`${ref} ${Object.keys(req.set).length === 0 ? 'unlabeled' : 'labeled'}\n`);
  }
  return 0;
}

export const labelCommand: Command = {
  name: 'label',
  usage: 'kedge label KIND NAME… KEY=VALUE… KEY-… [--overwrite] [-n NAMESPACE]',
  description: 'Set or remove labels on objects, e.g. to steer pods to nodes with nodeSelector or node affinity.',
  flags: [{ name: 'overwrite', type: 'boolean', description: 'Replace labels that already have another value' }, namespaceFlag, ...connectionFlags],
  examples: ['kedge label node edge-1 role=camera', 'kedge label node edge-1 role=gateway --overwrite', 'kedge label node edge-1 role-', 'kedge label deploy web tier=front'],
  async run(args, io) {
    labelRequestFromArgs(args, undefined); // argument mistakes before kubeconfig trouble
    const { client, connection } = connect(args, io);
    return runLabel(objectClient(client), labelRequestFromArgs(args, connection.namespace), io);
  },
};
