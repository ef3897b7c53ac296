import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { clusterNetworkSchema, clusterServicesSchema, type ClusterNetwork, type ClusterServices } from '../../shared/cluster-network.js';
import type { DesiredState, NodeEvents, NodeReport, PodStatusReport } from '../../shared/messages.js';
import { topics } from '../../shared/topics.js';
import { reconnectDelay } from './backoff.js';
import { parseDesiredMessage } from './desired-message.js';
import { parseMessage } from './message.js';

export interface MqttCredentials {
  /** mqtts://host:8883 (mqtt:// only in tests). */
  url: string;
  username: string;
  password: string;
  /** PEM of the CA that signed the broker's certificate. */
  ca?: string;
}

export type PodStatusEntry = PodStatusReport['pods'][number];

export interface SessionOptions {
  nodeName: string;
  credentials: MqttCredentials;
  heartbeatMs?: number;
  keepaliveSeconds?: number;
  /** The heartbeat payload. */
  report: () => Promise<NodeReport>;
  /** Every pod the node has, sent with full: true on each (re)connect. */
  podStatuses: () => PodStatusEntry[];
  onDesired: (state: DesiredState) => void;
  /** The retained cluster network (settings, every node's pod range); without it the node does not subscribe. */
  onClusterNetwork?: (network: ClusterNetwork) => void;
  /** The retained Services with their endpoints; without it the node does not subscribe. */
  onClusterServices?: (services: ClusterServices) => void;
  /** The broker refused the credentials: they may be stale (node re-created); re-join and return new ones. */
  onNotAuthorized?: () => Promise<MqttCredentials | null | undefined>;
  onConnectionChange?: (connected: boolean) => void;
  /** A request from the server on rpc/req/{id} (logs, exec); without it the node does not subscribe. */
  onRpcRequest?: (id: string, payload: Buffer) => void;
  log?: (msg: string) => void;
  random?: () => number;
  backoff?: { initialMs?: number; maxMs?: number };
}

export interface Session {
  readonly connected: boolean;
  /** Sends changed pod statuses (QoS 1). Dropped while offline: the full set follows the reconnect. */
  publishPods(pods: PodStatusEntry[]): void;
  /** Answers rpc request `id` (QoS 1, in order); false while offline. */
  publishRpc(id: string, payload: string): boolean;
  /** Sends a batch of pod events (QoS 1); false while offline, so the caller keeps them. */
  publishEvents(batch: NodeEvents): boolean;
  /** Says goodbye (online "0") and disconnects; no timer is left behind. */
  close(): Promise<void>;
}

/** CONNACK codes meaning "these credentials are refused" (MQTT 3.1.1: 4, 5; MQTT 5: 134, 135). */
const authFailures = new Set([4, 5, 134, 135]);

/**
 * The node's MQTT session: online flag with a last will, the retained desired state, heartbeats
 * and pod statuses. Reconnects forever with exponential back-off and jitter (mqtt.js's own
 * reconnect period is fixed, so each attempt is a fresh client).
 */
export function createSession(o: SessionOptions): Session {
  const log = o.log ?? (() => undefined);
  const node = o.nodeName;
  let creds = o.credentials;
  let client: MqttClient | undefined;
  let connected = false;
  let closing = false;
  let attempt = 0;
  let authRefused = false;
  let heartbeat: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let sending = false;

  function options(): IClientOptions {
    return {
      clientId: node,
      username: creds.username,
      password: creds.password,
      clean: true, // desired is retained, so nothing is lost by a clean session
      keepalive: o.keepaliveSeconds ?? 30,
      protocolVersion: 4, // aedes speaks MQTT 3.1.1
      reconnectPeriod: 0,
      connectTimeout: 15_000,
      // mqtt-packet's default pre-builds 65,536 two-byte Buffers (~6 MB of heap) to save an allocation per packet id.
      writeCache: false,
      will: { topic: topics.online(node), payload: Buffer.from('0'), qos: 1, retain: true },
      ...(creds.ca ? { ca: creds.ca, rejectUnauthorized: true } : {}),
    };
  }

  async function sendHeartbeat(c: MqttClient): Promise<void> {
    if (sending) return;
    sending = true;
    try {
      const report = await o.report();
      if (c === client && connected) c.publish(topics.status(node), JSON.stringify(report), { qos: 0 });
    } catch (e) {
      log(`heartbeat: cannot collect the node report: ${(e as Error).message}`);
    } finally {
      sending = false;
    }
  }

  function publishFull(c: MqttClient): void {
    const report: PodStatusReport = { node, full: true, pods: o.podStatuses() };
    c.publish(topics.pods(node), JSON.stringify(report), { qos: 1 });
  }

  const rpcPrefix = topics.rpcRequest(node, '');

  /** A handler that throws must not take the MQTT client's message loop with it. */
  function deliver<T extends { revision: number }>(what: string, message: T | null, handler: ((m: T) => void) | undefined): void {
    if (!message || !handler) return;
    try {
      handler(message);
    } catch (e) {
      log(`${what} revision ${message.revision}: ${(e as Error).message}`);
    }
  }

  function onMessage(topic: string, payload: Buffer): void {
    if (topic.startsWith(rpcPrefix)) {
      o.onRpcRequest?.(topic.slice(rpcPrefix.length), payload);
      return;
    }
    switch (topic) {
      case topics.desired(node):
        return deliver('desired state', parseDesiredMessage(node, payload, log), o.onDesired);
      case topics.clusterNetwork:
        return deliver('cluster network', parseMessage(clusterNetworkSchema, 'cluster network message', payload, log), o.onClusterNetwork);
      case topics.clusterServices:
        return deliver('cluster services', parseMessage(clusterServicesSchema, 'cluster services message', payload, log), o.onClusterServices);
    }
  }

  function subscribe(c: MqttClient, topic: string, what: string): void {
    c.subscribe(topic, { qos: 1 }, (err) => {
      if (err) log(`cannot subscribe to ${what}: ${err.message}`);
    });
  }

  function connect(): void {
    retry = undefined;
    authRefused = false;
    const c = mqtt.connect(creds.url, options());
    client = c;
    let closed = false;
    c.on('connect', () => {
      if (c !== client) return;
      connected = true;
      attempt = 0;
      log(`connected to ${creds.url} as ${node}`);
      c.publish(topics.online(node), '1', { qos: 1, retain: true });
      subscribe(c, topics.desired(node), 'the desired state');
      if (o.onRpcRequest) subscribe(c, topics.rpcRequests(node), 'rpc requests');
      if (o.onClusterNetwork) subscribe(c, topics.clusterNetwork, 'the cluster network');
      if (o.onClusterServices) subscribe(c, topics.clusterServices, 'the cluster services');
      publishFull(c);
      void sendHeartbeat(c);
      heartbeat = setInterval(() => void sendHeartbeat(c), o.heartbeatMs ?? 10_000);
      o.onConnectionChange?.(true);
    });
    c.on('message', onMessage);
    c.on('error', (err: Error & { code?: number | string }) => {
      if (typeof err.code === 'number' && authFailures.has(err.code)) authRefused = true;
      log(`mqtt ${creds.url}: ${err.message}`);
    });
    c.on('close', () => {
      // end(true) below may emit 'close' again: one reconnect per connection.
      if (c !== client || closed) return;
      closed = true;
      const was = connected;
      connected = false;
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = undefined;
      if (was) o.onConnectionChange?.(false);
      c.removeAllListeners('connect');
      c.end(true);
      if (!closing) void scheduleReconnect();
    });
  }

  async function scheduleReconnect(): Promise<void> {
    const delay = reconnectDelay(attempt++, o.random, o.backoff);
    if (authRefused && o.onNotAuthorized) {
      log(`the broker refused node ${node}'s credentials; joining again`);
      try {
        const fresh = await o.onNotAuthorized();
        if (fresh) creds = fresh;
      } catch (e) {
        log(`re-join failed: ${(e as Error).message}`);
      }
    }
    if (closing) return;
    log(`reconnecting in ${(delay / 1000).toFixed(1)}s`);
    retry = setTimeout(connect, delay);
  }

  connect();

  return {
    get connected() {
      return connected;
    },
    publishPods(pods) {
      if (!client || !connected || pods.length === 0) return;
      const report: PodStatusReport = { node, pods };
      client.publish(topics.pods(node), JSON.stringify(report), { qos: 1 });
    },
    publishEvents(batch) {
      if (!client || !connected) return false;
      client.publish(topics.events(node), JSON.stringify(batch), { qos: 1 });
      return true;
    },
    publishRpc(id, payload) {
      if (!client || !connected) return false;
      client.publish(topics.rpcResponse(node, id), payload, { qos: 1 });
      return true;
    },
    async close() {
      closing = true;
      if (retry) clearTimeout(retry);
      if (heartbeat) clearInterval(heartbeat);
      const c = client;
      if (!c) return;
      if (connected) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 2000);
          c.publish(topics.online(node), '0', { qos: 1, retain: true }, () => {
            clearTimeout(t);
            resolve();
          });
        });
        await new Promise<void>((resolve) => c.end(false, {}, () => resolve()));
      } else {
        await new Promise<void>((resolve) => c.end(true, {}, () => resolve()));
      }
      connected = false;
    },
  };
}
