import type { ApiClient } from '../../../shared/client.js';
import { KedgeError } from '../../../shared/errors.js';
import type { KEvent } from '../../../shared/event.js';
import { kindByName } from '../../../shared/kinds.js';
import { boolOption, listOption, stringOption, type ParsedArgs } from '../../flags/args.js';
import { readTable, renderServerTable, sortRows } from '../../printing/server-table.js';
import type { CliIo, Command } from '../../command.js';
import { kindAndNames } from '../../flags/kind-arg.js';
import { connect, connectionFlags } from '../../connection/kubeconfig.js';
import { namespaceFlag } from '../../flags/namespace-flag.js';

export interface EventsRequest {
  /** undefined: every namespace. */
  namespace?: string;
  /** Only events about this object ("pod", "web-1"). */
  for?: { kind: string; name: string };
  types: string[];
  wide: boolean;
}

/** Flags → what to list (no I/O). */
export function eventsRequestFromArgs(args: ParsedArgs, contextNamespace: string | undefined): EventsRequest {
  if (args.positionals.length) throw new KedgeError('BadRequest', `events takes no arguments; use --for KIND/NAME to pick an object`);
  const forText = stringOption(args, 'for');
  let target: EventsRequest['for'];
  if (forText !== undefined) {
    if (!/^[^/]+\/[^/]+$/.test(forText)) throw new KedgeError('BadRequest', `--for: "${forText}" is not KIND/NAME, e.g. pod/web-1 or node/edge-1`);
    const t = kindAndNames([forText], 'events --for')!;
    target = { kind: t.info.kind, name: t.names[0]! };
  }
  const types = listOption(args, 'types').flatMap((t) => t.split(','));
  const bad = types.find((t) => t !== 'Normal' && t !== 'Warning');
  if (bad) throw new KedgeError('BadRequest', `--types: "${bad}" is not an event type; use Normal or Warning`);
  const output = stringOption(args, 'output');
  if (output !== undefined && output !== 'wide') throw new KedgeError('BadRequest', `-o/--output: "${output}" is not supported here; use wide, or "kedge get events -o yaml"`);
  const all = boolOption(args, 'all-namespaces');
  const namespace = all ? undefined : stringOption(args, 'namespace') ?? contextNamespace ?? 'default';
  return { namespace, for: target, types, wide: output === 'wide' };
}

/** The server's Event table, each row with its event so rows can be picked by object and type. */
export async function runEvents(client: Pick<ApiClient, 'table'>, req: EventsRequest, io: Pick<CliIo, 'out' | 'err'>): Promise<number> {
  const table = readTable(await client.table(kindByName('Event')!, { namespace: req.namespace, includeObject: 'Object' }));
  const wanted = (e: KEvent) =>
    (!req.for || (e.involvedObject.kind === req.for.kind && e.involvedObject.name === req.for.name)) && (req.types.length === 0 || req.types.includes(e.type));
  const rows = sortRows('Event', table.rows.filter((r) => wanted(r.object as KEvent)));
  if (!rows.length) {
    io.err(req.namespace === undefined ? 'No events found.\n' : `No events found in ${req.namespace} namespace.\n`);
    return 0;
  }
  io.out(renderServerTable(table.columnDefinitions, rows, { wide: req.wide, allNamespaces: req.namespace === undefined }));
  return 0;
}

export const eventsCommand: Command = {
  name: 'events',
  usage: 'kedge events [--for KIND/NAME] [--types Normal,Warning] [-n NAMESPACE | -A] [-o wide]',
  description: 'List Events, oldest first: what the scheduler, the node lifecycle controller and the nodes reported.',
  flags: [
    { name: 'for', type: 'string', valueName: 'KIND/NAME', description: 'Only events about this object, e.g. pod/web-1 or node/edge-1 (node events live in default)' },
    { name: 'types', type: 'string', multiple: true, valueName: 'TYPE', description: 'Only these types: Normal, Warning' },
    { name: 'output', short: 'o', type: 'string', valueName: 'FORMAT', description: 'wide adds SUBOBJECT, SOURCE, FIRST SEEN, COUNT and NAME' },
    namespaceFlag,
    { name: 'all-namespaces', short: 'A', type: 'boolean', description: 'List across all namespaces' },
    ...connectionFlags,
  ],
  examples: ['kedge events', 'kedge events --for node/edge-1', 'kedge events -A --types Warning'],
  async run(args, io) {
    eventsRequestFromArgs(args, undefined); // argument mistakes before kubeconfig trouble
    const { client, connection } = connect(args, io);
    return runEvents(client, eventsRequestFromArgs(args, connection.namespace), io);
  },
};
