import { KedgeError } from '../shared/errors.js';
import { parseArgs, renderHelp } from './flags/args.js';
import type { CliIo, Command } from './command.js';

/** The command table; modules load lazily so `kedge get` never loads the server's dependencies. */
export const commands: { name: string; summary: string; load: () => Promise<Command> }[] = [
  { name: 'server', summary: 'Run the control plane (and a node) on this host', load: async () => (await import('./commands/server/server.js')).serverCommand },
  { name: 'agent', summary: 'Join a server as a node', load: async () => (await import('./commands/agent/agent.js')).agentCommand },
  { name: 'apply', summary: 'Create or update objects from manifests', load: async () => (await import('./commands/apply/apply.js')).applyCommand },
  { name: 'get', summary: 'List or show objects', load: async () => (await import('./commands/get/get.js')).getCommand },
  { name: 'delete', summary: 'Delete objects', load: async () => (await import('./commands/delete/delete.js')).deleteCommand },
  { name: 'logs', summary: "Print a container's log (-f to follow)", load: async () => (await import('./commands/logs/logs.js')).logsCommand },
  { name: 'exec', summary: 'Run a command in a container', load: async () => (await import('./commands/exec/exec.js')).execCommand },
  { name: 'top', summary: 'Show CPU and memory use of nodes', load: async () => (await import('./commands/top/top.js')).topCommand },
  { name: 'token', summary: 'Create, list, delete or rotate join tokens', load: async () => (await import('./commands/token/token.js')).tokenCommand },
  { name: 'completion', summary: 'Print a bash or zsh completion script', load: async () => (await import('./commands/completion/completion.js')).completionCommand },
  { name: 'rollout', summary: 'Follow, undo or restart the rollout of a deployment', load: async () => (await import('./commands/rollout/rollout.js')).rolloutCommand },
  { name: 'scale', summary: 'Set the number of replicas of a deployment or replicaset', load: async () => (await import('./commands/scale/scale.js')).scaleCommand },
  { name: 'describe', summary: 'Show an object in detail with its events', load: async () => (await import('./commands/describe/describe.js')).describeCommand },
  { name: 'events', summary: 'List events, oldest first', load: async () => (await import('./commands/events/events.js')).eventsCommand },
  { name: 'label', summary: 'Set or remove labels on objects', load: async () => (await import('./commands/label/label.js')).labelCommand },
  { name: 'cordon', summary: 'Mark nodes unschedulable', load: async () => (await import('./commands/node/cordon.js')).cordonCommand },
  { name: 'uncordon', summary: 'Mark nodes schedulable', load: async () => (await import('./commands/node/cordon.js')).uncordonCommand },
  { name: 'drain', summary: 'Cordon nodes and move their pods elsewhere', load: async () => (await import('./commands/node/drain.js')).drainCommand },
  { name: 'version', summary: 'Print client and server versions', load: async () => (await import('./commands/version/version.js')).versionCommand },
  { name: 'kubeconfig', summary: "Print an admin kubeconfig from the server's data dir", load: async () => (await import('./commands/kubeconfig/kubeconfig-command.js')).kubeconfigCommand },
  { name: 'help', summary: 'Show help for kedge or a command', load: async () => helpCommand },
];

export function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 3;
  return [
    'kedge: a lightweight container orchestrator for the edge',
    '',
    'Usage: kedge COMMAND [flags]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run "kedge COMMAND --help" for the flags of a command.',
    '',
  ].join('\n');
}

const helpCommand: Command = {
  name: 'help',
  usage: 'kedge help [COMMAND]',
  description: 'Show help for kedge or a command.',
  flags: [],
  async run(args, io) {
    const name = args.positionals[0];
    if (!name) {
      io.out(usage());
      return;
    }
    const entry = commands.find((c) => c.name === name);
    if (!entry) return unknownCommand(name, io);
    io.out(renderHelp(await entry.load()));
  },
};

function unknownCommand(name: string, io: Pick<CliIo, 'err'>): number {
  io.err(`error: unknown command "${name}"; commands: ${commands.map((c) => c.name).join(', ')}\nRun "kedge help" for usage.\n`);
  return 2;
}

/** Runs one invocation; resolves to the process exit code. Only non-KedgeErrors show a stack. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.out(usage());
    return 0;
  }
  if (name === '--version') return runCli(['version', '--client', ...rest], io);
  const entry = commands.find((c) => c.name === name);
  if (!entry) return unknownCommand(name, io);
  try {
    const cmd = await entry.load();
    const args = parseArgs(rest, cmd.flags, { command: `kedge ${cmd.name}`, env: io.env });
    if (args.help) {
      io.out(renderHelp(cmd));
      return 0;
    }
    return (await cmd.run(args, io)) ?? 0;
  } catch (e) {
    if (e instanceof KedgeError) {
      io.err(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
