import type { ApiClient } from '../../../shared/client.js';
import { KedgeError } from '../../../shared/errors.js';
import { resourcePath, kindByName } from '../../../shared/kinds.js';
import { boolOption, stringOption, type ParsedArgs } from '../../flags/args.js';
import type { CliIo, Command } from '../../command.js';
import { parseDuration } from '../../flags/duration.js';
import { connect, connectionFlags } from '../../connection/kubeconfig.js';
import { namespaceFlag } from '../../flags/namespace-flag.js';
import { pickPod } from '../../connection/pod-pick.js';

export interface LogsRequest {
  target: string;
  namespace?: string;
  query: Record<string, string | number | boolean | undefined>;
}

/** Flags → the query of GET pods/{name}/log (no I/O). */
export function logsRequestFromArgs(args: ParsedArgs): LogsRequest {
  const [target, ...extra] = args.positionals;
  if (!target) throw new KedgeError('BadRequest', 'logs needs a pod, e.g. "kedge logs web-6d4f9-x2k1q" or "kedge logs deploy/web"');
  if (extra.length) throw new KedgeError('BadRequest', `logs takes one pod; "${extra.join(' ')}" is extra (use -c CONTAINER for a container)`);
  const tailText = stringOption(args, 'tail');
  let tailLines: number | undefined;
  if (tailText !== undefined && tailText !== '-1') {
    if (!/^[0-9]+$/.test(tailText)) throw new KedgeError('BadRequest', `--tail: "${tailText}" must be a number of lines (or -1 for all)`);
    tailLines = Number(tailText);
  }
  const since = stringOption(args, 'since');
  const sinceTime = stringOption(args, 'since-time');
  if (since && sinceTime) throw new KedgeError('BadRequest', '--since and --since-time: give one of them');
  let sinceSeconds: number | undefined;
  if (since) sinceSeconds = Math.max(1, Math.ceil(parseDuration(since, '--since') / 1000));
  if (sinceTime && Number.isNaN(Date.parse(sinceTime))) throw new KedgeError('BadRequest', `--since-time: "${sinceTime}" is not an RFC 3339 time such as 2024-05-01T10:00:00Z`);
  const limit = stringOption(args, 'limit-bytes');
  if (limit !== undefined && !/^[1-9][0-9]*$/.test(limit)) throw new KedgeError('BadRequest', `--limit-bytes: "${limit}" must be a positive number`);
  const follow = boolOption(args, 'follow');
  const previous = boolOption(args, 'previous');
  if (follow && previous) throw new KedgeError('BadRequest', '--follow and --previous: the previous run has ended, there is nothing to follow');
  return {
    target,
    namespace: stringOption(args, 'namespace'),
    query: {
      container: stringOption(args, 'container'),
      follow: follow || undefined,
      previous: previous || undefined,
      tailLines,
      sinceSeconds,
      sinceTime,
      limitBytes: limit,
    },
  };
}

/** Streams the log to `out` until it ends, or until `stopSignal` resolves (Ctrl-C during -f). */
export async function runLogs(
  client: Pick<ApiClient, 'get' | 'list' | 'stream'>,
  req: LogsRequest & { namespace: string },
  io: Pick<CliIo, 'out' | 'err'> & { stopSignal?: Promise<unknown> },
): Promise<void> {
  const pod = await pickPod(client, req.namespace, req.target, io.err);
  const path = `${resourcePath(kindByName('Pod')!, req.namespace, pod)}/log`;
  const s = client.stream(path, req.query, (chunk) => io.out(chunk.toString('utf8')));
  void io.stopSignal?.then(() => s.stop());
  await s.done;
}

export const logsCommand: Command = {
  name: 'logs',
  usage: 'kedge logs (POD | TYPE/NAME) [-c CONTAINER] [-f] [--tail N] [--since DURATION] [--previous] [-n NAMESPACE]',
  description: [
    "Print a container's log, fetched from its node over MQTT (nodes need no open port).",
    'TYPE/NAME (deploy/web, rs/…, ds/…) picks one of the workload\'s pods. A pod with several containers needs -c.',
    'Log files keep the raw output without per-line times: --since skips a run\'s file last written before then',
    'and otherwise shows it whole, and --timestamps is not offered.',
  ].join('\n'),
  flags: [
    { name: 'container', short: 'c', type: 'string', valueName: 'NAME', description: 'Container to read (required when the pod has several)' },
    { name: 'follow', short: 'f', type: 'boolean', description: 'Keep streaming new output until the container stops or Ctrl-C' },
    { name: 'tail', type: 'string', valueName: 'N', description: 'Only the last N lines (-1: all)' },
    { name: 'since', type: 'string', valueName: 'DURATION', description: 'Only logs written within DURATION, e.g. 10m (per file, see above)' },
    { name: 'since-time', type: 'string', valueName: 'TIME', description: 'Only logs written after an RFC 3339 time (per file, see above)' },
    { name: 'previous', short: 'p', type: 'boolean', description: "The previous run's log, after a restart" },
    { name: 'limit-bytes', type: 'string', valueName: 'N', description: 'Stop after N bytes' },
    namespaceFlag,
    ...connectionFlags,
  ],
  examples: ['kedge logs web-6d4f9-x2k1q', 'kedge logs -f deploy/web --tail 20', 'kedge logs sensor-1 -c collector --previous'],
  async run(args, io) {
    const req = logsRequestFromArgs(args);
    const { client, connection } = connect(args, io);
    const stop = io.waitForStop();
    await runLogs(client, { ...req, namespace: req.namespace ?? connection.namespace ?? 'default' }, { out: io.out, err: io.err, stopSignal: stop });
  },
};
