/** Simulated nodes for e2e tests: real joins and real MQTT over TLS with real credentials, no containerd. */
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { createApiClient } from '../../shared/client.js';
import type { JoinResponse, NodeReport } from '../../shared/messages.js';
import { topics } from '../../shared/topics.js';
import { kedgeVersion } from '../../shared/version.js';

export interface SimCredentials {
  node: string;
  mqttUrl: string;
  username: string;
  password: string;
  ca: string;
}

/** Joins `node` through POST /kedge/v1/join with the join token, as an agent would. */
export async function joinSimNode(server: string, ca: string, joinToken: string, node: string): Promise<SimCredentials> {
  const client = createApiClient({ server, ca, token: joinToken, timeoutMs: 10_000 });
  const r = await client.request<JoinResponse>('POST', '/kedge/v1/join', { nodeName: node, nodePassword: randomBytes(24).toString('hex') });
  return { node, mqttUrl: r.mqtt.url, username: r.mqtt.username, password: r.mqtt.password, ca: r.ca };
}

/** A heartbeat as an agent sends it; the stable fields never change, so the server has nothing to write. */
export function simReport(node: string): NodeReport {
  return {
    node, time: new Date().toISOString(), agentVersion: kedgeVersion, arch: 'arm64', os: 'linux', kernel: '6.1.0', osImage: 'Debian GNU/Linux 12',
    hostname: node, addresses: ['10.1.0.2'], containerRuntimeVersion: 'containerd 1.7.0',
    cpu: { count: 4, model: 'Cortex-A72', load1: Math.random() }, memory: { total: 4 * 2 ** 30, available: (2 + Math.random()) * 2 ** 30 },
    disk: { total: 32 * 2 ** 30, free: 20 * 2 ** 30 - Math.floor(Math.random() * 1e6) },
    labels: { 'kubernetes.io/arch': 'arm64', 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': node },
  };
}

export function connectSim(c: SimCredentials, o: { clientId?: string; will?: boolean } = {}): Promise<MqttClient> {
  return mqtt.connectAsync(c.mqttUrl, {
    username: c.username, password: c.password, clientId: o.clientId ?? c.node, ca: c.ca, protocolVersion: 4,
    reconnectPeriod: 0, connectTimeout: 10_000, clean: true,
    ...(o.will === false ? {} : { will: { topic: topics.online(c.node), payload: Buffer.from('0'), qos: 1 as const, retain: true } }),
  });
}

export interface SimNode {
  client: MqttClient;
  /** Heartbeats sent so far. */
  readonly beats: number;
  stop(): Promise<void>;
}

/** Behaves like an idle agent: online "1", an empty full pod report, then a heartbeat every `heartbeatMs`. */
export async function startSimNode(c: SimCredentials, heartbeatMs: number): Promise<SimNode> {
  const client = await connectSim(c);
  await client.publishAsync(topics.online(c.node), '1', { qos: 1, retain: true });
  await client.subscribeAsync(topics.desired(c.node), { qos: 1 });
  await client.publishAsync(topics.pods(c.node), JSON.stringify({ node: c.node, full: true, pods: [] }), { qos: 1 });
  let beats = 0;
  const beat = () => {
    beats++;
    client.publish(topics.status(c.node), JSON.stringify(simReport(c.node)), { qos: 0 });
  };
  beat();
  const timer = setInterval(beat, heartbeatMs);
  return {
    client,
    get beats() {
      return beats;
    },
    async stop() {
      clearInterval(timer);
      await client.publishAsync(topics.online(c.node), '0', { qos: 1, retain: true }).catch(() => undefined);
      await client.endAsync().catch(() => undefined);
    },
  };
}
