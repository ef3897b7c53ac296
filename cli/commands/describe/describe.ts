import type { Deployment } from '../../../shared/deployment.js';
import { isKedgeError, KedgeError } from '../../../shared/errors.js';
import type { KEvent } from '../../../shared/event.js';
import { kindByName, type KindInfo } from '../../../shared/kinds.js';
import type { KObject } from '../../../shared/meta.js';
import type { Node } from '../../../shared/node.js';
import type { Pod } from '../../../shared/pod.js';
import type { ReplicaSet } from '../../../shared/replicaset.js';
import { stringOption, type ParsedArgs } from '../../flags/args.js';
import type { CliIo, Command } from '../../command.js';
import { describeDeployment } from './describe-deployment.js';
import { eventsFor, writeEvents } from './describe-events.js';
import { describeNode } from './describe-node.js';
import { describePod } from './describe-pod.js';
import { describeTime, describeWriter, keyValues } from '../../printing/describe-writer.js';
import { kindAndNames } from '../../flags/kind-arg.js';
import { connect, connectionFlags } from '../../connection/kubeconfig.js';
import { namespaceFlag } from '../../flags/namespace-flag.js';
import { objectClient, type ObjectClient } from '../../connection/object-client.js';
import { notFoundLine } from '../../printing/resource-names.js';

const info = (kind: string) => kindByName(kind)!;

export interface DescribeRequest {
  info: KindInfo;
  names: string[];
  namespace?: string;
}

export function describeRequestFromArgs(args: ParsedArgs, contextNamespace: string | undefined): DescribeRequest {
  const target = kindAndNames(args.positionals, 'describe');
  if (!target) throw new KedgeError('BadRequest', 'describe needs a resource type, e.g. "kedge describe pod web-6d4f9-x2k1q" (pods, deployments, nodes…)');
  const namespace = target.info.namespaced ? stringOption(args, 'namespace') ?? contextNamespace ?? 'default' : undefined;
  return { info: target.info, names: target.names, namespace };
}

/** Kinds without a dedicated page: their metadata and events. */
function describeGeneric(o: KObject, events: KEvent[], now: number): string {
  const w = describeWriter();
  w.field(0, 'Name', o.metadata.name ?? '');
  if (o.metadata.namespace) w.field(0, 'Namespace', o.metadata.namespace);
  w.field(0, 'Kind', o.kind)
    .field(0, 'CreationTimestamp', describeTime(o.metadata.creationTimestamp))
    .field(0, 'Labels', keyValues(o.metadata.labels))
    .field(0, 'Annotations', keyValues(o.metadata.annotations, ': '));
  writeEvents(w, events, now);
  return w.toString();
}

async function page(client: ObjectClient, o: KObject, events: KEvent[], now: number): Promise<string> {
  const mine = eventsFor(o, events);
  switch (o.kind) {
    case 'Pod': {
      const pod = o as Pod;
      let ip: string | undefined;
      if (pod.spec.nodeName && !pod.status?.hostIP) {
        const node = await client.get<Node>(info('Node'), undefined, pod.spec.nodeName).catch(() => undefined);
        ip = node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
      }
      return describePod(pod, mine, now, ip);
    }
    case 'Node': {
      const pods = (await client.list<Pod>(info('Pod'), {})).items.filter((p) => p.spec.nodeName === o.metadata.name);
      return describeNode(o as Node, pods, mine, now);
    }
    case 'Deployment': {
      const rs = (await client.list<ReplicaSet>(info('ReplicaSet'), { namespace: o.metadata.namespace })).items;
      return describeDeployment(o as Deployment, rs, mine, now);
    }
    default:
      return describeGeneric(o, mine, now);
  }
}

/** Fetches each object, its events and what its page needs, and prints the pages one after another. */
export async function runDescribe(client: ObjectClient, req: DescribeRequest, io: Pick<CliIo, 'out' | 'err' | 'now'>): Promise<number> {
  const complete = (o: KObject): KObject => ({ ...o, apiVersion: o.apiVersion ?? req.info.apiVersion, kind: o.kind ?? req.info.kind });
  let objects: KObject[] = [];
  let code = 0;
  if (req.names.length) {
    for (const name of req.names) {
      try {
        objects.push(complete(await client.get(req.info, req.namespace, name)));
      } catch (e) {
        if (!isKedgeError(e, 'NotFound')) throw e;
        io.err(`${notFoundLine(req.info, name)}\n`);
        code = 1;
      }
    }
  } else {
    objects = (await client.list(req.info, { namespace: req.namespace })).items.map(complete).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    if (!objects.length) io.err(req.namespace ? `No resources found in ${req.namespace} namespace.\n` : 'No resources found\n');
  }
  if (!objects.length) return code;
  // Cluster-scoped objects' events live in default, as in Kubernetes.
  const events = (await client.list<KEvent>(info('Event'), { namespace: req.namespace ?? 'default' })).items;
  const pages: string[] = [];
  for (const o of objects) pages.push(await page(client, o, events, io.now()));
  io.out(pages.join('\n'));
  return code;
}

export const describeCommand: Command = {
  name: 'describe',
  usage: 'kedge describe KIND [NAME…] [-n NAMESPACE]',
  description: 'Show an object in detail with its recent Events: pods, deployments and nodes get a kubectl-like page.',
  flags: [namespaceFlag, ...connectionFlags],
  examples: ['kedge describe pod web-6d4f9-x2k1q', 'kedge describe deploy web', 'kedge describe node edge-1'],
  async run(args, io) {
    describeRequestFromArgs(args, undefined); // argument mistakes before kubeconfig trouble
    const { client, connection } = connect(args, io);
    return runDescribe(objectClient(client), describeRequestFromArgs(args, connection.namespace), io);
  },
};
