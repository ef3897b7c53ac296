import type { ApiClient } from '../../../shared/client.js';
import { KedgeError } from '../../../shared/errors.js';
import { isNodeReady, type Node } from '../../../shared/node.js';
import { cpuMillis, memoryBytes } from '../../../shared/quantity.js';
import type { CliIo, Command } from '../../command.js';
import { connect, connectionFlags } from '../../connection/kubeconfig.js';
import { renderTable } from '../../printing/table.js';

/** Annotations the server puts on its node view from each agent's last heartbeat (server/nodes/tracker.ts). */
export const loadAnnotation = 'kedge.io/load1';
export const memoryAvailableAnnotation = 'kedge.io/memory-available';

const unknown = '<unknown>';

/**
 * One `top nodes` row. CPU is the 1-minute load average against the cores (kedge samples no CPU
 * counters, so this is load, not a CPU-time sample); memory is total minus available.
 */
export function topRow(n: Node): string[] {
  const name = n.metadata.name ?? '';
  const a = n.metadata.annotations ?? {};
  const ready = isNodeReady(n);
  let cpu = [unknown, unknown];
  let mem = [unknown, unknown];
  try {
    const cores = cpuMillis(n.status?.capacity?.cpu) / 1000;
    const load = Number(a[loadAnnotation]);
    if (ready && a[loadAnnotation] !== undefined && Number.isFinite(load) && cores > 0) {
      cpu = [`${Math.round(load * 1000)}m`, `${Math.round((load / cores) * 100)}%`];
    }
    const total = memoryBytes(n.status?.capacity?.memory);
    const available = Number(a[memoryAvailableAnnotation]);
    if (ready && a[memoryAvailableAnnotation] !== undefined && Number.isFinite(available) && total > 0) {
      const used = Math.max(0, total - available);
      mem = [`${Math.round(used / 1024 / 1024)}Mi`, `${Math.round((used / total) * 100)}%`];
    }
  } catch {
    // A node without capacity yet: its row stays <unknown>.
  }
  return [name, ...cpu, ...mem];
}

export async function runTopNodes(client: Pick<ApiClient, 'list'>, io: Pick<CliIo, 'out' | 'err'>): Promise<number> {
  const nodes = (await client.list<Node>('Node')).items.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  if (nodes.length === 0) {
    io.err('No resources found\n');
    return 0;
  }
  // renderTable upper-cases headers; kubectl top keeps the units in lower case (same width).
  io.out(renderTable(['NAME', 'CPU(cores)', 'CPU%', 'MEMORY(bytes)', 'MEMORY%'], nodes.map(topRow)).replace('CPU(CORES)', 'CPU(cores)').replace('MEMORY(BYTES)', 'MEMORY(bytes)'));
  return 0;
}

export const topCommand: Command = {
  name: 'top',
  usage: 'kedge top nodes',
  description: [
    "Show each node's CPU and memory use from its agent's last heartbeat.",
    'CPU(cores) is the 1-minute load average (in millicores) and CPU% that load over the node\'s cores;',
    'MEMORY is total minus available. NotReady nodes show <unknown>. Agents report no per-pod usage, so there is no "top pods".',
  ].join('\n'),
  flags: [...connectionFlags],
  examples: ['kedge top nodes'],
  async run(args, io) {
    const what = args.positionals[0];
    if (what !== 'nodes' && what !== 'node' && what !== 'no') {
      throw new KedgeError('BadRequest', what === 'pods' || what === 'pod' || what === 'po' ? 'top pods: kedge agents report node resources only; use "kedge top nodes"' : 'top needs "nodes", e.g. "kedge top nodes"');
    }
    const { client } = connect(args, io);
    return runTopNodes(client, io);
  },
};
