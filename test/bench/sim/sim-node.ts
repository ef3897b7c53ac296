/**
 * One simulated agent: joins through the real endpoint, holds a real MQTT session over TLS with the
 * credentials it got, heartbeats, and answers its desired state with pod status reports, all with
 * the shared schemas and topics the real agent uses. It runs no containers.
 */
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { desiredStateSchema, joinResponseSchema, type JoinResponse, type NodeReport, type PodStatusReport } from '../../../shared/messages.js';
import type { Pod, PodStatus } from '../../../shared/pod.js';
import { topics } from '../../../shared/topics.js';
import { kedgeVersion } from '../../../shared/version.js';

export interface SimServer {
  /** https://127.0.0.1:PORT */
  url: string;
  joinToken: string;
  /** The CA, fetched once from /cacerts and checked against the token by the parent. */
  ca: string;
}

export interface SimNodeOptions {
  name: string;
  server: SimServer;
  /** Loopback source address of this node (127.x.y.z): nodes are separate machines to the server's per-address limits. */
  localAddress: string;
  heartbeatMs: number;
  agent: https.Agent;
  onError(msg: string): void;
  /** A pod went Running for the first time (the server has been told). */
  onPodRunning(): void;
}

type PodEntry = PodStatusReport['pods'][number];

function nodeReport(name: string, localAddress: string): NodeReport {
  return {
    node: name,
    time: new Date().toISOString(),
    agentVersion: kedgeVersion,
    arch: 'arm64',
    os: 'linux',
    kernel: '6.6.31-v8+',
    osImage: 'Debian GNU/Linux 12 (bookworm)',
    hostname: name,
    addresses: [localAddress],
    containerRuntimeVersion: 'containerd 1.6.20',
    cpu: { count: 4, model: 'Cortex-A72', load1: 0.1 },
    memory: { total: 4 * 2 ** 30, available: 3 * 2 ** 30 },
    disk: { total: 32 * 2 ** 30, free: 20 * 2 ** 30 },
    labels: { 'kubernetes.io/arch': 'arm64', 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': name },
  };
}

/** What a real agent reports for a pod whose one container runs. */
function runningStatus(pod: Pod, hostIP: string, startedAt: string, restartCount = 0): PodStatus {
  const c = pod.spec.containers[0]!;
  const id = `sim-${pod.metadata.uid}-${c.name}`;
  return {
    phase: 'Running',
    conditions: [
      { type: 'Initialized', status: 'True', lastTransitionTime: startedAt },
      { type: 'Ready', status: 'True', lastTransitionTime: startedAt },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: startedAt },
    ],
    hostIP,
    podIP: hostIP,
    startTime: startedAt,
    containerStatuses: [
      {
        name: c.name,
        image: c.image,
        containerID: `containerd://${id}`,
        ready: true,
        started: true,
        restartCount,
        state: { running: { startedAt } },
        ...(restartCount > 0 ? { lastState: { terminated: { exitCode: 137, reason: 'Error', finishedAt: startedAt } } } : {}),
      },
    ],
  };
}

/** What a real agent reports once it has stopped a pod being deleted (SIGTERM answered at once). */
function stoppedStatus(running: PodStatus, finishedAt: string): PodStatus {
  const containerStatuses = (running.containerStatuses ?? []).map((c) => ({ ...c, ready: false, started: false, state: { terminated: { exitCode: 143, reason: 'Error', finishedAt } } }));
  const conditions = (running.conditions ?? []).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False' as const, lastTransitionTime: finishedAt } : c));
  return { ...running, phase: 'Failed', conditions, containerStatuses };
}

function postJson(o: SimNodeOptions, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const url = new URL(path, o.server.url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent: o.agent, ca: o.server.ca, localAddress: o.localAddress, timeout: 120_000,
        headers: { authorization: `Bearer ${o.server.joinToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`POST ${path}: no answer in 120 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export function createSimNode(o: SimNodeOptions) {
  const password = randomBytes(24).toString('hex');
  let creds: JoinResponse | undefined;
  let client: MqttClient | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let firstBeat: NodeJS.Timeout | undefined;
  let connected = false;
  /** uid → the pod and what was last reported for it (`stopped`: its deletion was answered). */
  const pods = new Map<string, { pod: Pod; entry: PodEntry; stopped?: boolean }>();
  let desiredMessages = 0;

  function publishPods(entries: PodEntry[], full = false) {
    if (!client || !connected) return;
    const report: PodStatusReport = { node: o.name, ...(full ? { full: true } : {}), pods: entries };
    client.publish(topics.pods(o.name), JSON.stringify(report), { qos: 1 });
  }

  function onDesired(payload: Buffer) {
    let parsed;
    try {
      parsed = desiredStateSchema.safeParse(JSON.parse(payload.toString('utf8')));
    } catch (e) {
      return o.onError(`${o.name}: desired state is not JSON: ${(e as Error).message}`);
    }
    if (!parsed.success) return o.onError(`${o.name}: invalid desired state: ${parsed.error.issues[0]?.message}`);
    desiredMessages++;
    const want = new Map(parsed.data.pods.map((p) => [p.metadata.uid!, p]));
    for (const uid of pods.keys()) if (!want.has(uid)) pods.delete(uid);
    const started: PodEntry[] = [];
    const stopped: PodEntry[] = [];
    const now = new Date().toISOString();
    for (const [uid, pod] of want) {
      const known = pods.get(uid);
      if (known && pod.metadata.deletionTimestamp && !known.stopped) {
        // Being deleted: stop it and say so, and the server lets it go.
        known.stopped = true;
        known.entry = { ...known.entry, status: stoppedStatus(known.entry.status, now) };
        stopped.push(known.entry);
      }
      if (known) continue;
      if (pod.metadata.deletionTimestamp) {
        // Deleted before it ever ran here: nothing to stop.
        const entry: PodEntry = { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name!, uid, status: { phase: 'Failed', containerStatuses: [] } };
        pods.set(uid, { pod, entry, stopped: true });
        stopped.push(entry);
        continue;
      }
      const entry: PodEntry = { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name!, uid, status: runningStatus(pod, o.localAddress, now) };
      pods.set(uid, { pod, entry });
      started.push(entry);
    }
    if (stopped.length) publishPods(stopped);
    if (started.length) {
      publishPods(started);
      for (let i = 0; i < started.length; i++) o.onPodRunning();
    }
  }

  return {
    name: o.name,
    get connected() {
      return connected;
    },
    get podCount() {
      return pods.size;
    },
    get desiredMessages() {
      return desiredMessages;
    },

    /** POST /kedge/v1/join as the real agent does (the CA was checked against the token by the caller). */
    async join(): Promise<void> {
      const r = await postJson(o, '/kedge/v1/join', { nodeName: o.name, nodePassword: password, labels: { 'kedge.io/simulated': 'true' } });
      if (r.status !== 200) throw new Error(`join ${o.name}: HTTP ${r.status}: ${r.text.slice(0, 200)}`);
      const parsed = joinResponseSchema.safeParse(JSON.parse(r.text));
      if (!parsed.success) throw new Error(`join ${o.name}: invalid answer`);
      creds = parsed.data;
    },

    /** Resolves once the broker accepted the session (or rejects on the first failure). */
    connect(): Promise<void> {
      if (!creds) return Promise.reject(new Error(`${o.name}: connect before join`));
      const c = mqtt.connect(creds.mqtt.url, {
        clientId: o.name,
        username: creds.mqtt.username,
        password: creds.mqtt.password,
        ca: creds.ca,
        rejectUnauthorized: true,
        localAddress: o.localAddress,
        clean: true,
        keepalive: 30,
        protocolVersion: 4,
        reconnectPeriod: 5000,
        connectTimeout: 60_000,
        will: { topic: topics.online(o.name), payload: Buffer.from('0'), qos: 1, retain: true },
      } as mqtt.IClientOptions);
      client = c;
      c.on('message', (topic, payload) => {
        if (topic === topics.desired(o.name) && payload.length > 0) onDesired(payload);
      });
      c.on('close', () => {
        connected = false;
      });
      c.on('error', (e) => o.onError(`${o.name}: mqtt: ${e.message}`));
      return new Promise((resolve, reject) => {
        let first = true;
        c.on('connect', () => {
          connected = true;
          c.publish(topics.online(o.name), '1', { qos: 1, retain: true });
          c.subscribe(topics.desired(o.name), { qos: 1 });
          publishPods([...pods.values()].map((p) => p.entry), true);
          const beat = () => c.publish(topics.status(o.name), JSON.stringify(nodeReport(o.name, o.localAddress)), { qos: 0 });
          beat();
          // Heartbeats spread over the period, as a fleet that booted at different times.
          clearTimeout(firstBeat);
          clearInterval(heartbeat);
          firstBeat = setTimeout(() => {
            beat();
            heartbeat = setInterval(beat, o.heartbeatMs);
          }, Math.random() * o.heartbeatMs);
          if (first) {
            first = false;
            resolve();
          }
        });
        c.once('error', (e) => {
          if (first) {
            first = false;
            reject(e);
          }
        });
      });
    },

    /** A container of one pod restarted: reported with the restart's time as startedAt (what the lag is measured from). */
    restartOne(): boolean {
      if (!connected || pods.size === 0) return false;
      const all = [...pods.values()];
      const p = all[Math.floor(Math.random() * all.length)]!;
      const restarts = (p.entry.status.containerStatuses?.[0]?.restartCount ?? 0) + 1;
      p.entry = { ...p.entry, status: runningStatus(p.pod, o.localAddress, new Date().toISOString(), restarts) };
      publishPods([p.entry]);
      return true;
    },

    close(): Promise<void> {
      clearTimeout(firstBeat);
      clearInterval(heartbeat);
      const c = client;
      if (!c) return Promise.resolve();
      return new Promise((resolve) => c.end(true, {}, () => resolve()));
    },
  };
}

export type SimNode = ReturnType<typeof createSimNode>;
