import type { ApiClient } from '../../../shared/client.js';
import { KedgeError } from '../../../shared/errors.js';
import { podExecPath, podExecResultSchema, type PodExecRequest } from '../../../shared/pod-exec.js';
import { stringOption, type ParsedArgs } from '../../flags/args.js';
import type { CliIo, Command } from '../../command.js';
import { parseDuration } from '../../flags/duration.js';
import { connect, connectionFlags } from '../../connection/kubeconfig.js';
import { namespaceFlag } from '../../flags/namespace-flag.js';
import { pickPod } from '../../connection/pod-pick.js';

export interface ExecArgs {
  target: string;
  namespace?: string;
  body: PodExecRequest;
}

export function execArgsFrom(args: ParsedArgs): ExecArgs {
  const [target, ...command] = args.positionals;
  if (!target) throw new KedgeError('BadRequest', 'exec needs a pod and a command, e.g. "kedge exec web-1 -- ls /"');
  if (command.length === 0) throw new KedgeError('BadRequest', `exec: give the command after --, e.g. "kedge exec ${target} -- ls /"`);
  const timeout = stringOption(args, 'timeout');
  const container = stringOption(args, 'container');
  const seconds = timeout === undefined ? undefined : Math.ceil(parseDuration(timeout, '--timeout') / 1000);
  if (seconds !== undefined && seconds < 1) throw new KedgeError('BadRequest', `--timeout: "${timeout}" must be at least 1s`);
  return {
    target,
    namespace: stringOption(args, 'namespace'),
    body: { command, ...(container ? { container } : {}), ...(seconds !== undefined ? { timeoutSeconds: seconds } : {}) },
  };
}

/** Runs the command; prints its output; resolves to its exit code. */
export async function runExec(client: Pick<ApiClient, 'get' | 'list' | 'request'>, a: ExecArgs & { namespace: string }, io: Pick<CliIo, 'out' | 'err'>): Promise<number> {
  const pod = await pickPod(client, a.namespace, a.target, io.err);
  const timeoutMs = (a.body.timeoutSeconds ?? 60) * 1000 + 30_000;
  const raw = await client.request('POST', podExecPath(a.namespace, pod), a.body, { timeoutMs });
  const r = podExecResultSchema.safeParse(raw);
  if (!r.success) throw new KedgeError('InternalError', 'exec: the server answered something that is not an exec result; is it a kedge server of the same version?');
  if (r.data.stdout) io.out(r.data.stdout);
  if (r.data.stderr) io.err(r.data.stderr);
  return r.data.exitCode;
}

export const execCommand: Command = {
  name: 'exec',
  usage: 'kedge exec (POD | TYPE/NAME) [-c CONTAINER] [--timeout 60s] -- COMMAND [ARGS…]',
  description: [
    'Run a command in a container, through its node\'s MQTT connection, and print its output.',
    'kedge exits with the command\'s exit code. Not interactive: no terminal and no input (-i/-t are not offered).',
  ].join('\n'),
  flags: [
    { name: 'container', short: 'c', type: 'string', valueName: 'NAME', description: 'Container to run in (required when the pod has several)' },
    { name: 'timeout', type: 'string', valueName: 'DURATION', default: '60s', description: 'Kill the command after this long' },
    namespaceFlag,
    ...connectionFlags,
  ],
  examples: ['kedge exec web-6d4f9-x2k1q -- cat /etc/hostname', 'kedge exec deploy/web -c app -- sh -c "ls /data | wc -l"'],
  async run(args, io) {
    const a = execArgsFrom(args);
    const { client, connection } = connect(args, io);
    return runExec(client, { ...a, namespace: a.namespace ?? connection.namespace ?? 'default' }, io);
  },
};
