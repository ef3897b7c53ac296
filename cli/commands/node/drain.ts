import { isKedgeError, KedgeError } from '../../../shared/errors.js';
import { kindByName } from '../../../shared/kinds.js';
import type { Pod } from '../../../shared/pod.js';
import { boolOption, sourceOf, stringOption, type ParsedArgs } from '../../flags/args.js';
import type { CliIo, Command } from '../../command.js';
import { nodeTarget, resolveNodes, selectorFlag, setUnschedulable } from './cordon.js';
import { planDrain, type DrainOptions } from './drain-plan.js';
import { parseDuration } from '../../flags/duration.js';
import { connect, connectionFlags } from '../../connection/kubeconfig.js';
import { objectClient, type ObjectClient } from '../../connection/object-client.js';

const podInfo = kindByName('Pod')!;

export interface DrainRequest extends DrainOptions {
  /** Seconds each pod gets to stop; negative: the pod's own terminationGracePeriodSeconds. */
  gracePeriod: number;
  /** Give up after this long (ms); 0 waits forever. */
  timeoutMs: number;
}

export interface DrainDeps {
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/**
 * kubectl drain: cordon, then delete the node's pods that something will recreate elsewhere, then
 * wait until they are gone. Returns the exit code; the node stays cordoned either way.
 */
export async function runDrain(client: ObjectClient, node: string, req: DrainRequest, io: Pick<CliIo, 'out' | 'err'>, deps: DrainDeps): Promise<number> {
  const deadline = req.timeoutMs > 0 ? deps.now() + req.timeoutMs : Infinity;
  await setUnschedulable(client, node, true, io);
  const all = await client.list<Pod>(podInfo, {});
  const onNode = all.items.filter((p) => p.spec.nodeName === node);
  const plan = planDrain(onNode, req);
  if (plan.errors.length) {
    io.err(`error: unable to drain node "${node}" due to error: ${plan.errors.join('; ')}\n`);
    return 1;
  }
  for (const w of plan.warnings) io.err(`Warning: ${w}\n`);

  const grace = req.gracePeriod >= 0 ? { gracePeriodSeconds: req.gracePeriod } : undefined;
  for (const p of plan.delete) {
    io.out(`evicting pod ${p.metadata.namespace}/${p.metadata.name}\n`);
    await tolerateGone(client.delete(podInfo, p.metadata.namespace, p.metadata.name!, grace));
  }
  const waiting = new Map(plan.delete.map((p) => [p.metadata.uid, p]));
  for (;;) {
    const now = await client.list<Pod>(podInfo, {});
    const alive = new Set(now.items.map((p) => p.metadata.uid));
    for (const [uid, p] of waiting) {
      if (alive.has(uid)) continue;
      io.out(`pod/${p.metadata.name} evicted\n`);
      waiting.delete(uid);
    }
    if (waiting.size === 0) break;
    if (deps.now() >= deadline) {
      const left = [...waiting.values()].map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ');
      io.err(`error: drain did not complete within ${req.timeoutMs / 1000}s: still waiting for ${left}\n`);
      return 1;
    }
    await deps.sleep(1000);
  }
  io.out(`node/${node} drained\n`);
  return 0;
}

async function tolerateGone<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isKedgeError(e, 'NotFound')) return undefined; // already gone: that is the goal
    throw e;
  }
}

/** Flags → what to do (no I/O). */
export function drainRequestFromArgs(args: ParsedArgs): DrainRequest {
  const graceText = stringOption(args, 'grace-period');
  let gracePeriod = -1;
  if (graceText !== undefined) {
    gracePeriod = Number(graceText);
    if (!/^-?[0-9]+$/.test(graceText.trim())) throw new KedgeError('BadRequest', `${sourceOf(args, 'grace-period')}: "${graceText}" is not a whole number of seconds`);
  }
  const timeoutText = stringOption(args, 'timeout');
  return {
    ignoreDaemonsets: boolOption(args, 'ignore-daemonsets'),
    force: boolOption(args, 'force'),
    deleteEmptydirData: boolOption(args, 'delete-emptydir-data'),
    gracePeriod,
    timeoutMs: timeoutText === undefined ? 0 : parseDuration(timeoutText, sourceOf(args, 'timeout')),
  };
}

export const drainCommand: Command = {
  name: 'drain',
  usage: 'kedge drain NODE… | -l SELECTOR [--ignore-daemonsets] [--force] [--delete-emptydir-data] [--grace-period N] [--timeout D]',
  description:
    'Cordon nodes, then delete their pods so that their controllers run them elsewhere (before maintenance). ' +
    'Pods of DaemonSets, pods without a controller and pods with emptyDir data are refused unless a flag allows them.',
  flags: [
    { name: 'ignore-daemonsets', type: 'boolean', description: 'Leave DaemonSet pods where they are instead of refusing to drain' },
    { name: 'force', type: 'boolean', description: 'Also delete pods that no controller manages (they are not recreated)' },
    { name: 'delete-emptydir-data', type: 'boolean', description: 'Also delete pods using emptyDir volumes (their data is lost)' },
    { name: 'grace-period', type: 'string', valueName: 'SECONDS', default: '-1', description: "Seconds each pod gets to stop; negative uses the pod's terminationGracePeriodSeconds" },
    { name: 'timeout', type: 'string', valueName: 'DURATION', default: '0 (forever)', description: 'Give up after this long, e.g. 2m' },
    selectorFlag,
    ...connectionFlags,
  ],
  examples: ['kedge drain edge-1 --ignore-daemonsets', 'kedge drain edge-1 --force --grace-period 5 --timeout 1m', 'kedge uncordon edge-1'],
  async run(args, io) {
    const target = nodeTarget(args, 'drain');
    const req = drainRequestFromArgs(args);
    const client = objectClient(connect(args, io).client);
    const deps: DrainDeps = { sleep: (ms) => new Promise((r) => setTimeout(r, ms)), now: io.now };
    let code = 0;
    for (const node of await resolveNodes(client, target, 'drain')) code = Math.max(code, await runDrain(client, node, req, io, deps));
    return code;
  },
};
