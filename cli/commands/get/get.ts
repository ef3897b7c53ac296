import { stringify } from 'yaml';
import type { ApiClient } from '../../../shared/client.js';
import { isKedgeError, KedgeError } from '../../../shared/errors.js';
import type { KObject } from '../../../shared/meta.js';
import type { KindInfo } from '../../../shared/kinds.js';
import { parseSelector } from '../../../shared/selector.js';
import type { ColumnDefinition, Table } from '../../../shared/table.js';
import { boolOption, stringOption, type ParsedArgs } from '../../flags/args.js';
import { includeObjectFor, readTable, renderServerTable, sortRows } from '../../printing/server-table.js';
import type { CliIo, Command } from '../../command.js';
import { kindAndNames } from '../../flags/kind-arg.js';
import { connect, connectionFlags } from '../../connection/kubeconfig.js';
import { namespaceFlag } from '../../flags/namespace-flag.js';
import { kindLabel, notFoundLine } from '../../printing/resource-names.js';

export type OutputFormat = 'table' | 'wide' | 'yaml' | 'json' | 'name';

export function parseOutput(text: string | undefined): OutputFormat {
  if (text === undefined || text === '') return 'table';
  if (text === 'wide' || text === 'yaml' || text === 'json' || text === 'name') return text;
  throw new KedgeError('BadRequest', `-o/--output: unknown format "${text}"; use wide, yaml, json or name`);
}

export interface GetRequest {
  info: KindInfo;
  names: string[];
  /** undefined: all namespaces (or a cluster-scoped kind). */
  namespace: string | undefined;
  labelSelector?: string;
  output: OutputFormat;
}

/** Fetches and prints; returns the exit code (1 when a named object was not found). */
export async function runGet(client: GetClient, req: GetRequest, io: Pick<CliIo, 'out' | 'err'>): Promise<number> {
  return (await getAndPrint(client, req, io)).code;
}

export type GetClient = Pick<ApiClient, 'get' | 'list' | 'table'>;

export interface Printed {
  code: number;
  /** The list's resourceVersion, where a watch starts. */
  resourceVersion?: string;
  printed: number;
  /** The server's columns, when a table was asked for and came back. */
  columns?: ColumnDefinition[];
}

/** runGet, also answering what a watch that follows needs. */
export async function getAndPrint(client: GetClient, req: GetRequest, io: Pick<CliIo, 'out' | 'err'>): Promise<Printed> {
  if (req.output === 'table' || req.output === 'wide') return printTable(client, req, io);
  const { info } = req;
  let resourceVersion: string | undefined;
  const complete = (o: KObject): KObject => ({ ...o, apiVersion: o.apiVersion ?? info.apiVersion, kind: o.kind ?? info.kind });
  let items: KObject[] = [];
  let code = 0;
  if (req.names.length) {
    for (const name of req.names) {
      const o = await orNotFound(info, name, io, () => client.get<KObject>(info, req.namespace, name));
      if (o) items.push(complete(o));
      else code = 1;
    }
  } else {
    const list = await client.list<KObject>(info, { namespace: req.namespace, labelSelector: req.labelSelector });
    resourceVersion = list.metadata.resourceVersion;
    items = list.items.map(complete).sort((a, b) => key(a).localeCompare(key(b)));
  }
  const single = req.names.length === 1 && items.length === 1;
  switch (req.output) {
    case 'json':
      if (items.length || !req.names.length) io.out(`${JSON.stringify(single ? items[0] : asList(items), null, 4)}\n`);
      break;
    case 'yaml':
      if (items.length || !req.names.length) io.out(stringify(single ? items[0] : asList(items)));
      break;
    case 'name':
      for (const o of items) io.out(`${kindLabel(info)}/${o.metadata.name}\n`);
      break;
  }
  return { code, resourceVersion, printed: items.length };
}

/** The server prints, as for kubectl: its Table for the list, or one per name joined under one header. */
async function printTable(client: GetClient, req: GetRequest, io: Pick<CliIo, 'out' | 'err'>): Promise<Printed> {
  const { info } = req;
  const includeObject = includeObjectFor(info.kind);
  const tables: Table[] = [];
  let code = 0;
  if (req.names.length) {
    for (const name of req.names) {
      const t = await orNotFound(info, name, io, () => client.table(info, { namespace: req.namespace, name, includeObject }));
      if (t) tables.push(readTable(t));
      else code = 1;
    }
  } else {
    tables.push(readTable(await client.table(info, { namespace: req.namespace, labelSelector: req.labelSelector, includeObject })));
  }
  const columns = tables[0]?.columnDefinitions;
  const all = tables.flatMap((t) => t.rows);
  const rows = req.names.length ? all : sortRows(info.kind, all);
  if (rows.length && columns) {
    io.out(renderServerTable(columns, rows, { wide: req.output === 'wide', allNamespaces: allNamespaces(req) }));
  } else if (!req.names.length) {
    io.err(info.namespaced && req.namespace !== undefined ? `No resources found in ${req.namespace} namespace.\n` : 'No resources found\n');
  }
  return { code, resourceVersion: req.names.length ? undefined : tables[0]?.metadata.resourceVersion, printed: rows.length, columns };
}

/** A NAMESPACE column comes first when the rows may come from several namespaces. */
export function allNamespaces(req: GetRequest): boolean {
  return req.info.namespaced && req.namespace === undefined;
}

/** One named fetch: a missing object is reported as kubectl does and answers undefined. */
async function orNotFound<T>(info: KindInfo, name: string, io: Pick<CliIo, 'err'>, fetch: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fetch();
  } catch (e) {
    if (!isKedgeError(e, 'NotFound')) throw e;
    io.err(`${notFoundLine(info, name)}\n`);
    return undefined;
  }
}

function key(o: KObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

function asList(items: KObject[]) {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}

/** Flags and arguments → what to fetch (no I/O). */
export function getRequestFromArgs(args: ParsedArgs, contextNamespace: string | undefined): GetRequest {
  const target = kindAndNames(args.positionals, 'get');
  if (!target) throw new KedgeError('BadRequest', 'get needs a resource type, e.g. "kedge get pods" (nodes, pods, deployments, namespaces)');
  const labelSelector = stringOption(args, 'selector');
  parseSelector(labelSelector, '-l/--selector');
  if (labelSelector && target.names.length) throw new KedgeError('BadRequest', 'get: give names or -l/--selector, not both');
  const all = boolOption(args, 'all-namespaces');
  const namespace = !target.info.namespaced || all ? undefined : stringOption(args, 'namespace') ?? contextNamespace ?? 'default';
  if (all && target.names.length && target.info.namespaced) throw new KedgeError('BadRequest', 'get: a name needs one namespace; drop -A and use -n NAMESPACE');
  return { info: target.info, names: target.names, namespace, labelSelector, output: parseOutput(stringOption(args, 'output')) };
}

export const getCommand: Command = {
  name: 'get',
  usage: 'kedge get KIND [NAME…] [-o wide|yaml|json|name] [-l SELECTOR] [-n NAMESPACE | -A] [-w]',
  description: 'List or show objects: nodes (no), pods (po), deployments (deploy), replicasets (rs), daemonsets (ds), configmaps (cm), secrets, events (ev), namespaces (ns).',
  flags: [
    { name: 'output', short: 'o', type: 'string', valueName: 'FORMAT', description: 'wide, yaml, json or name (default: a table)' },
    { name: 'selector', short: 'l', type: 'string', valueName: 'SELECTOR', description: 'Label selector: app=web,tier!=db,env in (a,b)' },
    namespaceFlag,
    { name: 'all-namespaces', short: 'A', type: 'boolean', description: 'List across all namespaces' },
    { name: 'watch', short: 'w', type: 'boolean', description: 'After listing, print each change as it happens (until Ctrl-C)' },
    ...connectionFlags,
  ],
  examples: ['kedge get nodes -o wide', 'kedge get pods -l app=hello', 'kedge get deploy hello -o yaml', 'kedge get pods -A', 'kedge get pods -w'],
  async run(args, io) {
    getRequestFromArgs(args, undefined); // argument mistakes before kubeconfig trouble
    const { client, connection } = connect(args, io);
    const req = getRequestFromArgs(args, connection.namespace);
    if (boolOption(args, 'watch')) {
      const { runGetWatch } = await import('./get-watch.js');
      return runGetWatch(client, req, { ...io, stopSignal: io.waitForStop() });
    }
    return runGet(client, req, io);
  },
};
