import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KedgeError } from '../../../shared/errors.js';
import { parseJoinToken } from '../../../shared/token.js';
import type { AgentConfig } from '../../../agent/config.js';
import { listOption, sourceOf, stringOption, type FlagSpec, type ParsedArgs } from '../../flags/args.js';
import type { CliIo, Command } from '../../command.js';
import { defaultNodeName, parseLabels, parseNodeIP, parseNodeName, parseServerUrl } from '../../flags/flag-values.js';
import { defaultAgentDataDir } from '../../flags/paths.js';

export const agentFlags: FlagSpec[] = [
  { name: 'server', type: 'string', env: 'KEDGE_URL', valueName: 'URL', description: 'Server to join, https://HOST:6443 (required)' },
  { name: 'token', type: 'string', env: 'KEDGE_TOKEN', valueName: 'TOKEN', description: "Join token from the server's <data-dir>/token" },
  { name: 'token-file', type: 'string', env: 'KEDGE_TOKEN_FILE', valueName: 'FILE', description: 'File holding the join token' },
  { name: 'node-name', type: 'string', env: 'KEDGE_NODE_NAME', valueName: 'NAME', default: 'host name', description: 'Name of this node' },
  { name: 'data-dir', type: 'string', env: 'KEDGE_DATA_DIR', valueName: 'DIR', default: defaultAgentDataDir, description: 'State: node password, desired-state cache, logs, images/ to import' },
  { name: 'containerd-address', type: 'string', env: 'KEDGE_CONTAINERD_ADDRESS', valueName: 'SOCKET', description: 'containerd socket (default: the system one, else a private child)' },
  { name: 'node-ip', type: 'string', env: 'KEDGE_NODE_IP', valueName: 'IP', default: "the default route's interface address", description: "IPv4 address of this node (its InternalIP): other nodes' routes to its pods and NodePorts use it" },
  { name: 'node-label', type: 'string', multiple: true, env: 'KEDGE_NODE_LABELS', valueName: 'KEY=VALUE', description: 'Label of this node' },
];

/** Flags and KEDGE_* variables → a validated AgentConfig; reads the token file when given. */
export function agentConfigFromArgs(
  args: ParsedArgs,
  io: Pick<CliIo, 'cwd' | 'hostname'>,
  readFile: (file: string) => string = (f) => readFileSync(f, 'utf8'),
): AgentConfig {
  if (args.positionals.length) throw new KedgeError('BadRequest', `kedge agent takes no arguments, got "${args.positionals.join(' ')}"`);
  const server = stringOption(args, 'server');
  if (!server) throw new KedgeError('BadRequest', '--server is required (or KEDGE_URL), e.g. --server https://pi-server:6443');
  const token = readToken(args, io.cwd, readFile);
  parseJoinToken(token);
  const given = stringOption(args, 'node-name');
  const containerdAddress = stringOption(args, 'containerd-address');
  const nodeIP = parseNodeIP(stringOption(args, 'node-ip'), sourceOf(args, 'node-ip'));
  return {
    server: parseServerUrl(server, sourceOf(args, 'server')),
    token,
    nodeName: parseNodeName(given ?? defaultNodeName(io.hostname), given ? sourceOf(args, 'node-name') : 'host name (pass --node-name)'),
    dataDir: path.resolve(io.cwd, stringOption(args, 'data-dir') ?? defaultAgentDataDir),
    ...(containerdAddress ? { containerdAddress } : {}),
    ...(nodeIP ? { nodeIP } : {}),
    nodeLabels: parseLabels(listOption(args, 'node-label'), sourceOf(args, 'node-label')),
  };
}

function readToken(args: ParsedArgs, cwd: string, readFile: (file: string) => string): string {
  const token = stringOption(args, 'token');
  if (token) return token.trim();
  const file = stringOption(args, 'token-file');
  if (!file) throw new KedgeError('BadRequest', '--token or --token-file is required (or KEDGE_TOKEN / KEDGE_TOKEN_FILE)');
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = readFile(full);
  } catch (e) {
    throw new KedgeError('BadRequest', `${sourceOf(args, 'token-file')}: cannot read ${full}: ${(e as Error).message}`, { cause: e });
  }
  if (!text.trim()) throw new KedgeError('BadRequest', `${sourceOf(args, 'token-file')}: ${full} is empty`);
  return text.trim();
}

export const agentCommand: Command = {
  name: 'agent',
  usage: 'kedge agent --server URL (--token TOKEN | --token-file FILE) [flags]',
  description: 'Join a kedge server as a node and run the pods it places here.',
  flags: agentFlags,
  examples: ['sudo kedge agent --server https://pi-server:6443 --token K10…::node:…'],
  async run(args, io) {
    const cfg = agentConfigFromArgs(args, io);
    cfg.log = (msg) => io.err(`${msg}\n`);
    // Loaded here so laptop commands never pay for the agent's dependencies.
    const { runAgent } = await import('../../../agent/run.js');
    const running = await runAgent(cfg);
    io.err(`kedge agent running as node ${running.nodeName}, server ${cfg.server}\n`);
    const signal = await io.waitForStop();
    io.err(`${signal}: stopping kedge agent\n`);
    await running.stop();
    io.err('kedge agent stopped\n');
  },
};
