import type { ApiClient } from '../../../shared/client.js';
import { KedgeError } from '../../../shared/errors.js';
import { resourcePath, type KindInfo } from '../../../shared/kinds.js';
import { stringOption, type ParsedArgs } from '../../flags/args.js';
import type { CliIo, Command } from '../../command.js';
import { kindAndNames } from '../../flags/kind-arg.js';
import { connect, connectionFlags } from '../../connection/kubeconfig.js';
import { namespaceFlag } from '../../flags/namespace-flag.js';
import { kindLabel } from '../../printing/resource-names.js';

interface Scale {
  metadata: { name: string; resourceVersion?: string };
  spec: { replicas: number };
  status?: { replicas?: number };
}

export interface ScaleRequest {
  info: KindInfo;
  names: string[];
  replicas: number;
  /** Only scale when the current size is this (kubectl's --current-replicas). */
  currentReplicas?: number;
}

function count(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text)) throw new KedgeError('BadRequest', `${flag}: "${text}" must be a whole number, 0 or more`);
  return Number(text);
}

export function scaleRequestFromArgs(args: ParsedArgs): ScaleRequest {
  const target = kindAndNames(args.positionals, 'scale');
  if (!target || !target.names.length) throw new KedgeError('BadRequest', 'scale needs KIND/NAME, e.g. "kedge scale deploy/web --replicas 3"');
  if (target.info.kind !== 'Deployment' && target.info.kind !== 'ReplicaSet') throw new KedgeError('BadRequest', `scale: ${target.info.plural} cannot be scaled; kedge scales deployments and replicasets`);
  const replicas = count(stringOption(args, 'replicas'), '--replicas');
  if (replicas === undefined) throw new KedgeError('BadRequest', 'scale: --replicas is required, e.g. --replicas 3');
  return { info: target.info, names: target.names, replicas, currentReplicas: count(stringOption(args, 'current-replicas'), '--current-replicas') };
}

/** Sets the size through the scale subresource (as kubectl does), with the read version as a precondition. */
export async function runScale(client: Pick<ApiClient, 'request'>, req: ScaleRequest, namespace: string, io: Pick<CliIo, 'out'>): Promise<number> {
  for (const name of req.names) {
    const path = `${resourcePath(req.info, namespace, name)}/scale`;
    const cur = await client.request<Scale>('GET', path);
    if (req.currentReplicas !== undefined && cur.spec.replicas !== req.currentReplicas) {
      throw new KedgeError('Conflict', `Expected replicas to be ${req.currentReplicas}, was ${cur.spec.replicas}`);
    }
    await client.request('PUT', path, { ...cur, spec: { replicas: req.replicas } });
    io.out(`${kindLabel(req.info)}/${name} scaled\n`);
  }
  return 0;
}

export const scaleCommand: Command = {
  name: 'scale',
  usage: 'kedge scale (KIND/NAME… | KIND NAME…) --replicas N [--current-replicas N] [-n NAMESPACE]',
  description: 'Set the number of replicas of deployments or replicasets.',
  flags: [
    { name: 'replicas', type: 'string', valueName: 'N', description: 'The new number of replicas (required)' },
    { name: 'current-replicas', type: 'string', valueName: 'N', description: 'Only scale if the current number of replicas is N' },
    namespaceFlag,
    ...connectionFlags,
  ],
  examples: ['kedge scale deploy/web --replicas 5', 'kedge scale rs web-6d4f9c8b7 --replicas 0'],
  async run(args, io) {
    const req = scaleRequestFromArgs(args);
    const { client, connection } = connect(args, io);
    return runScale(client, req, stringOption(args, 'namespace') ?? connection.namespace ?? 'default', io);
  },
};
