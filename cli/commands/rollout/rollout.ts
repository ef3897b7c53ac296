import type { ApiClient } from '../../../shared/client.js';
import { KedgeError } from '../../../shared/errors.js';
import type { KindInfo } from '../../../shared/kinds.js';
import { boolOption, stringOption, type ParsedArgs } from '../../flags/args.js';
import type { CliIo, Command } from '../../command.js';
import { parseDuration } from '../../flags/duration.js';
import { kindAndNames } from '../../flags/kind-arg.js';
import { connect, connectionFlags } from '../../connection/kubeconfig.js';
import { namespaceFlag } from '../../flags/namespace-flag.js';
import { kindLabel } from '../../printing/resource-names.js';
import { editObject, paused, restarted, type Workload } from './rollout-edits.js';
import { deploymentRevisions, historyText, replicaSetOfRevision, revisionText } from './rollout-history.js';
import { runRolloutStatus } from './rollout-status.js';
import { undoDeployment } from './rollout-undo.js';

const actions = ['status', 'history', 'undo', 'restart', 'pause', 'resume'] as const;
type Action = (typeof actions)[number];

export interface RolloutRequest {
  action: Action;
  info: KindInfo;
  names: string[];
  toRevision: number;
  revision: number;
  timeoutMs: number;
  watch: boolean;
}

function revisionFlag(args: ParsedArgs, name: string): number {
  const v = stringOption(args, name);
  if (v === undefined) return 0;
  if (!/^[0-9]+$/.test(v)) throw new KedgeError('BadRequest', `--${name}: "${v}" must be a revision number`);
  return Number(v);
}

/** Flags and arguments → what to do (no I/O). */
export function rolloutRequestFromArgs(args: ParsedArgs): RolloutRequest {
  const [action, ...rest] = args.positionals;
  if (!action || !(actions as readonly string[]).includes(action)) {
    throw new KedgeError('BadRequest', `rollout needs one of ${actions.join(', ')}, e.g. "kedge rollout status deploy/web"`);
  }
  const target = kindAndNames(rest, `rollout ${action}`);
  if (!target || !target.names.length) throw new KedgeError('BadRequest', `rollout ${action} needs KIND/NAME, e.g. "kedge rollout ${action} deploy/web"`);
  const kinds = action === 'status' || action === 'restart' ? ['Deployment', 'DaemonSet'] : ['Deployment'];
  if (!kinds.includes(target.info.kind)) {
    throw new KedgeError('BadRequest', `rollout ${action}: kedge supports ${kinds.map((k) => k.toLowerCase() + 's').join(' and ')} here, not ${target.info.plural}`);
  }
  const timeout = stringOption(args, 'timeout');
  const watch = args.options.watch === undefined ? true : boolOption(args, 'watch');
  return {
    action: action as Action,
    info: target.info,
    names: target.names,
    toRevision: revisionFlag(args, 'to-revision'),
    revision: revisionFlag(args, 'revision'),
    timeoutMs: timeout === undefined ? 0 : parseDuration(timeout, '--timeout'),
    watch,
  };
}

export async function runRollout(client: ApiClient, req: RolloutRequest, namespace: string, io: Pick<CliIo, 'out' | 'now'>): Promise<number> {
  for (const name of req.names) {
    const label = `${kindLabel(req.info)}/${name}`;
    switch (req.action) {
      case 'status':
        await runRolloutStatus(client, req.info, namespace, name, { timeoutMs: req.timeoutMs, watch: req.watch }, io);
        break;
      case 'history': {
        const { replicaSets } = await deploymentRevisions(client, namespace, name);
        io.out(req.revision > 0 ? revisionText(label, replicaSetOfRevision(replicaSets, req.revision, name)) : historyText(label, replicaSets));
        break;
      }
      case 'undo': {
        const r = await undoDeployment(client, namespace, name, req.toRevision);
        io.out(r.rolledBack ? `${label} rolled back\n` : `${label} skipped rollback (current template already matches revision ${r.revision})\n`);
        break;
      }
      case 'restart':
        await editObject<Workload>(client, req.info, namespace, name, (o) => restarted(o, new Date(io.now())));
        io.out(`${label} restarted\n`);
        break;
      case 'pause':
      case 'resume':
        await editObject<Workload>(client, req.info, namespace, name, (o) => paused(o, req.action === 'pause', label));
        io.out(`${label} ${req.action === 'pause' ? 'paused' : 'resumed'}\n`);
        break;
    }
  }
  return 0;
}

export const rolloutCommand: Command = {
  name: 'rollout',
  usage: 'kedge rollout status|history|undo|restart|pause|resume KIND/NAME [flags]',
  description: [
    'Manage the rollout of a deployment (status and restart also take daemonsets):',
    '  status    follow the rollout until it finishes; fails when its progress deadline passes',
    '  history   list revisions (REVISION, CHANGE-CAUSE); --revision N shows one',
    '  undo      roll back to the previous revision, or --to-revision N',
    '  restart   replace every pod (sets the kubectl.kubernetes.io/restartedAt template annotation)',
    '  pause     stop rolling out template changes; resume starts again',
  ].join('\n'),
  flags: [
    { name: 'to-revision', type: 'string', valueName: 'N', description: 'undo: the revision to roll back to (default: the previous one)' },
    { name: 'revision', type: 'string', valueName: 'N', description: 'history: show the pod template of this revision' },
    { name: 'timeout', type: 'string', valueName: 'DURATION', description: 'status: give up after this long, e.g. 5m (default: wait for ever)' },
    { name: 'watch', short: 'w', type: 'boolean', description: 'status: follow until done (default true; --watch=false prints once)' },
    namespaceFlag,
    ...connectionFlags,
  ],
  examples: ['kedge rollout status deploy/web --timeout 2m', 'kedge rollout history deploy/web', 'kedge rollout undo deploy/web --to-revision 2', 'kedge rollout restart deploy/web'],
  async run(args, io) {
    const req = rolloutRequestFromArgs(args);
    const { client, connection } = connect(args, io);
    return runRollout(client, req, stringOption(args, 'namespace') ?? connection.namespace ?? 'default', io);
  },
};
