import net from 'node:net';
import path from 'node:path';
import { KedgeError } from '../../../shared/errors.js';
import type { ServerConfig } from '../../../server/config.js';
import { parseNetworkSettings, type NetworkFlag } from '../../../server/network/settings.js';
import { boolOption, listOption, sourceOf, stringOption, type FlagSpec, type ParsedArgs } from '../../flags/args.js';
import type { CliIo, Command } from '../../command.js';
import { parseDuration } from '../../flags/duration.js';
import { defaultNodeName, parseLabels, parseNodeIP, parseNodeName, parsePort } from '../../flags/flag-values.js';
import { defaultAgentDataDir, defaultServerDataDir } from '../../flags/paths.js';

export const serverFlags: FlagSpec[] = [
  { name: 'data-dir', type: 'string', env: 'KEDGE_DATA_DIR', valueName: 'DIR', default: '/var/lib/kedge/server (root), ~/.kedge/server', description: 'State: database, certificates, tokens, admin kubeconfig' },
  { name: 'bind-address', type: 'string', env: 'KEDGE_BIND_ADDRESS', valueName: 'IP', default: '0.0.0.0', description: 'Address the API and MQTT listen on' },
  { name: 'https-port', type: 'string', env: 'KEDGE_HTTPS_PORT', valueName: 'PORT', default: '6443', description: 'API port' },
  { name: 'mqtt-port', type: 'string', env: 'KEDGE_MQTT_PORT', valueName: 'PORT', default: '8883', description: 'MQTT over TLS port agents connect to' },
  { name: 'tls-san', type: 'string', multiple: true, env: 'KEDGE_TLS_SAN', valueName: 'NAME', description: 'Extra host name or IP in the server certificate' },
  { name: 'node-name', type: 'string', env: 'KEDGE_NODE_NAME', valueName: 'NAME', default: 'host name', description: "Name of the server's own node" },
  { name: 'disable-agent', type: 'boolean', env: 'KEDGE_DISABLE_AGENT', description: 'Do not run workloads on the server' },
  { name: 'containerd-address', type: 'string', env: 'KEDGE_CONTAINERD_ADDRESS', valueName: 'SOCKET', description: "containerd socket for the server's own node (default: the system one, else a private child)" },
  { name: 'node-ip', type: 'string', env: 'KEDGE_NODE_IP', valueName: 'IP', default: "the default route's interface address", description: "IPv4 address of the server's own node (its InternalIP)" },
  { name: 'node-label', type: 'string', multiple: true, env: 'KEDGE_NODE_LABELS', valueName: 'KEY=VALUE', description: "Label of the server's own node" },
  { name: 'pod-eviction-timeout', type: 'string', env: 'KEDGE_POD_EVICTION_TIMEOUT', valueName: 'DURATION', default: '20s', description: 'How long pods stay on a NotReady node before they are evicted and replaced elsewhere (whole seconds), unless they tolerate it themselves' },
  { name: 'agent-data-dir', type: 'string', env: 'KEDGE_AGENT_DATA_DIR', valueName: 'DIR', default: '/var/lib/kedge/agent (root), ~/.kedge/agent', description: "Data dir of the server's own node (images/ to import lives here)" },
  { name: 'cluster-cidr', type: 'string', env: 'KEDGE_CLUSTER_CIDR', valueName: 'CIDR', default: '10.42.0.0/16', description: 'Pod addresses; each node gets a /24 of it' },
  { name: 'service-cidr', type: 'string', env: 'KEDGE_SERVICE_CIDR', valueName: 'CIDR', default: '10.43.0.0/16', description: 'Service ClusterIPs' },
  { name: 'cluster-dns', type: 'string', env: 'KEDGE_CLUSTER_DNS', valueName: 'IP', default: '10.43.0.10', description: "Cluster DNS address every node answers on (without it: the service range's 10th address)" },
  { name: 'cluster-domain', type: 'string', env: 'KEDGE_CLUSTER_DOMAIN', valueName: 'DOMAIN', default: 'cluster.local', description: 'Cluster domain' },
  { name: 'service-node-port-range', type: 'string', env: 'KEDGE_SERVICE_NODE_PORT_RANGE', valueName: 'MIN-MAX', default: '30000-32767', description: 'Port range for NodePort Services' },
  { name: 'network-backend', type: 'string', env: 'KEDGE_NETWORK_BACKEND', valueName: 'BACKEND', default: 'host-gw', description: "How nodes reach each other's pods: host-gw (nodes on one LAN) or vxlan (K3s: --flannel-backend)" },
];

const networkFlags: NetworkFlag[] = ['cluster-cidr', 'service-cidr', 'cluster-dns', 'cluster-domain', 'service-node-port-range', 'network-backend'];

/** The label that makes ROLES read control-plane, as on a k3s server. */
export const controlPlaneLabel = 'node-role.kubernetes.io/control-plane';

/** Flags and KEDGE_* variables → a validated ServerConfig (no I/O). */
export function serverConfigFromArgs(args: ParsedArgs, io: Pick<CliIo, 'isRoot' | 'home' | 'cwd' | 'hostname'>): ServerConfig {
  if (args.positionals.length) throw new KedgeError('BadRequest', `kedge server takes no arguments, got "${args.positionals.join(' ')}"`);
  const bindAddress = stringOption(args, 'bind-address') ?? '0.0.0.0';
  if (net.isIP(bindAddress) === 0) throw new KedgeError('BadRequest', `${sourceOf(args, 'bind-address')}: "${bindAddress}" is not an IP address`);
  const tlsSans = listOption(args, 'tls-san');
  if (tlsSans.some((s) => !/^[A-Za-z0-9.:*-]+$/.test(s))) {
    throw new KedgeError('BadRequest', `${sourceOf(args, 'tls-san')}: "${tlsSans.find((s) => !/^[A-Za-z0-9.:*-]+$/.test(s))}" is not a host name or IP`);
  }
  const given = stringOption(args, 'node-name');
  const nodeName = parseNodeName(given ?? defaultNodeName(io.hostname), given ? sourceOf(args, 'node-name') : `host name (pass --node-name)`);
  const containerdAddress = stringOption(args, 'containerd-address');
  const nodeIP = parseNodeIP(stringOption(args, 'node-ip'), sourceOf(args, 'node-ip'));
  const nodeLabels = { [controlPlaneLabel]: 'true', ...parseLabels(listOption(args, 'node-label'), sourceOf(args, 'node-label')) };
  const agentDataDir = stringOption(args, 'agent-data-dir');
  const evictionText = stringOption(args, 'pod-eviction-timeout');
  const podEvictionTimeoutMs = evictionText === undefined ? undefined : parseDuration(evictionText, sourceOf(args, 'pod-eviction-timeout'));
  const network = parseNetworkSettings(Object.fromEntries(networkFlags.map((f) => [f, stringOption(args, f)])), (f) => sourceOf(args, f));
  return {
    dataDir: path.resolve(io.cwd, stringOption(args, 'data-dir') ?? defaultServerDataDir(io)),
    bindAddress,
    httpsPort: parsePort(stringOption(args, 'https-port'), 6443, sourceOf(args, 'https-port')),
    mqttPort: parsePort(stringOption(args, 'mqtt-port'), 8883, sourceOf(args, 'mqtt-port')),
    tlsSans,
    nodeName,
    disableAgent: boolOption(args, 'disable-agent'),
    ...(podEvictionTimeoutMs !== undefined ? { podEvictionTimeoutMs } : {}),
    network,
    agent: {
      ...(containerdAddress ? { containerdAddress } : {}),
      ...(nodeIP ? { nodeIP } : {}),
      nodeLabels,
      dataDir: path.resolve(io.cwd, agentDataDir ?? (io.isRoot ? defaultAgentDataDir : path.join(io.home, '.kedge', 'agent'))),
    },
  };
}

export const serverCommand: Command = {
  name: 'server',
  usage: 'kedge server [flags]',
  description: 'Run the control plane (API, MQTT broker, controllers) and, unless disabled, a node on this host.',
  flags: serverFlags,
  examples: ['sudo kedge server --tls-san pi-server.local', 'KEDGE_HTTPS_PORT=7443 kedge server --disable-agent'],
  async run(args, io) {
    const cfg = serverConfigFromArgs(args, io);
    cfg.log = (msg) => io.err(`${msg}\n`);
    // Loaded here so laptop commands never pay for aedes and better-sqlite3.
    const { runServer } = await import('../../../server/run.js');
    const server = await runServer(cfg);
    let agent: { stop(): Promise<void> } | undefined;
    if (!cfg.disableAgent) {
      try {
        agent = await startLocalAgent(cfg, server, io);
      } catch (e) {
        await server.stop();
        throw e;
      }
    }
    const signal = await io.waitForStop();
    io.err(`${signal}: stopping kedge server\n`);
    if (agent) {
      await agent.stop();
      io.err(`stopped node ${cfg.nodeName}\n`);
    }
    await server.stop();
    io.err('kedge server stopped\n');
  },
};

/** The server's own node: an agent joined through the loopback address with the join token. */
async function startLocalAgent(cfg: ServerConfig, server: { localUrl: string; joinToken: string }, io: Pick<CliIo, 'err'>) {
  const { runAgent } = await import('../../../agent/run.js');
  const agent = await runAgent({
    server: server.localUrl,
    token: server.joinToken,
    nodeName: cfg.nodeName,
    dataDir: cfg.agent?.dataDir ?? defaultAgentDataDir,
    ...(cfg.agent?.containerdAddress ? { containerdAddress: cfg.agent.containerdAddress } : {}),
    ...(cfg.agent?.nodeIP ? { nodeIP: cfg.agent.nodeIP } : {}),
    nodeLabels: cfg.agent?.nodeLabels ?? {},
    log: (msg: string) => io.err(`[agent] ${msg}\n`),
  });
  io.err(`local agent running as node ${agent.nodeName} (data in ${cfg.agent?.dataDir ?? defaultAgentDataDir})\n`);
  return agent;
}
