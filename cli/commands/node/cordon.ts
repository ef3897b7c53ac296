import { KedgeError } from '../../../shared/errors.js';
import { kindByName } from '../../../shared/kinds.js';
import type { Node } from '../../../shared/node.js';
import { parseSelector } from '../../../shared/selector.js';
import { stringOption, type ParsedArgs } from '../../flags/args.js';
import type { CliIo, Command } from '../../command.js';
import { connect, connectionFlags } from '../../connection/kubeconfig.js';
import { objectClient, type ObjectClient } from '../../connection/object-client.js';

export const nodeInfo = kindByName('Node')!;

/** Sets spec.unschedulable on one node, printing kubectl's line; resolves to whether it changed. */
export async function setUnschedulable(client: ObjectClient, name: string, unschedulable: boolean, io: Pick<CliIo, 'out'>): Promise<boolean> {
  const node = await client.get<Node>(nodeInfo, undefined, name);
  const verb = unschedulable ? 'cordoned' : 'uncordoned';
  if ((node.spec?.unschedulable ?? false) === unschedulable) {
    io.out(`node/${name} already ${verb}\n`);
    return false;
  }
  // null removes the field, as kubectl's uncordon patch does.
  await client.patch(nodeInfo, undefined, name, { spec: { unschedulable: unschedulable ? true : null } });
  io.out(`node/${name} ${verb}\n`);
  return true;
}

export type NodeTarget = { names: string[] } | { selector: string };

/** NODE… or -l SELECTOR, checked without I/O. */
export function nodeTarget(args: ParsedArgs, command: string): NodeTarget {
  const selector = stringOption(args, 'selector');
  if (selector !== undefined) {
    if (args.positionals.length) throw new KedgeError('BadRequest', `${command}: give node names or -l/--selector, not both`);
    parseSelector(selector, '-l/--selector');
    return { selector };
  }
  const names = args.positionals.map((p) => (/^nodes?\//.test(p) ? p.slice(p.indexOf('/') + 1) : p));
  if (!names.length) throw new KedgeError('BadRequest', `${command} needs a node name, e.g. "kedge ${command} edge-1"`);
  return { names };
}

export async function resolveNodes(client: Pick<ObjectClient, 'list'>, target: NodeTarget, command: string): Promise<string[]> {
  if ('names' in target) return target.names;
  const list = await client.list<Node>(nodeInfo, { labelSelector: target.selector });
  if (!list.items.length) throw new KedgeError('NotFound', `${command}: no nodes match -l ${target.selector}`);
  return list.items.map((n) => n.metadata.name!).sort();
}

export const selectorFlag = { name: 'selector', short: 'l', type: 'string' as const, valueName: 'SELECTOR', description: 'Select the nodes by label instead of by name' };

function cordonLike(unschedulable: boolean): Command {
  const name = unschedulable ? 'cordon' : 'uncordon';
  return {
    name,
    usage: `kedge ${name} NODE… | -l SELECTOR`,
    description: unschedulable
      ? 'Mark nodes unschedulable: new pods go elsewhere; pods already there keep running (see "kedge drain").'
      : 'Mark nodes schedulable again.',
    flags: [selectorFlag, ...connectionFlags],
    examples: [`kedge ${name} edge-1`],
    async run(args, io) {
      const target = nodeTarget(args, name); // argument mistakes before kubeconfig trouble
      const client = objectClient(connect(args, io).client);
      for (const node of await resolveNodes(client, target, name)) await setUnschedulable(client, node, unschedulable, io);
    },
  };
}

export const cordonCommand = cordonLike(true);
export const uncordonCommand = cordonLike(false);
