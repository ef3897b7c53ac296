import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { ctr, e2eSkipReason, kedge, runningTasks, startCluster, startKedge, waitFor, type Cluster, withTestImages } from './cluster.js';

const skip = e2eSkipReason();

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
  labels: { app: hello }
spec:
  replicas: 3
  selector:
    matchLabels: { app: hello }
  template:
    metadata:
      labels: { app: hello }
    spec:
      terminationGracePeriodSeconds: 3
      containers:
        - name: hello
          image: busybox:test
          command: ["sh", "-c", "echo started; while true; do sleep 1; done"]
          resources:
            requests: { cpu: 10m, memory: 16Mi }
`;

describe.skipIf(skip !== null)(`core: server + agent on real containerd and MQTT over TLS${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let c: Cluster;
  let env: Record<string, string>;
  let manifest: string;

  beforeAll(async () => {
    c = await startCluster({
      prepareAgentDir: withTestImages(),
    });
    env = { KUBECONFIG: c.kubeconfig };
    manifest = join(c.dir, 'hello.yaml');
    writeFileSync(manifest, deployment);
  });

  afterAll(async () => {
    await c?.stop();
  });

  it('the server registers its own node, Ready, with arch, cpu and memory', async () => {
    const node = await c.nodeReady('server-0');
    expect(node.status?.nodeInfo?.architecture).toMatch(/amd64|arm64|arm/);
    expect(Number(node.status?.capacity?.cpu)).toBeGreaterThan(0);
    expect(node.status?.capacity?.memory).toMatch(/Ki$/);
    expect(node.metadata.labels?.['kubernetes.io/arch']).toBe(node.status?.nodeInfo?.architecture);
    const table = kedge(['get', 'nodes'], env);
    expect(table.stdout).toMatch(/server-0\s+Ready/);
  });

  it('a second agent joins with the token and shows up Ready within 10 s', async () => {
    mkdirSync(join(c.dir, 'edge-1'), { recursive: true });
    const t0 = Date.now();
    const agent = c.startAgent('edge-1');
    await c.nodeReady('edge-1', 10_000, () => `agent output:\n${agent.output()}`);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const out = kedge(['get', 'nodes', '-o', 'wide'], env).stdout;
    expect(out).toMatch(/edge-1\s+Ready/);
  });

  it('runs a 3-replica Deployment spread over both nodes', async () => {
    const applied = kedge(['apply', '-f', manifest], env);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('deployment.apps/hello created');
    const pods = await waitFor('3 pods Running', async () => {
      const list = await c.client.list<Pod>('Pod', { namespace: 'default', labelSelector: 'app=hello' });
      const running = list.items.filter((p) => p.status?.phase === 'Running');
      return running.length === 3 ? running : undefined;
    }, 60_000).catch((e) => {
      throw new Error(`${(e as Error).message}\nserver:\n${c.server.output().slice(-4000)}`);
    });
    expect(new Set(pods.map((p) => p.spec.nodeName))).toEqual(new Set(['server-0', 'edge-1']));
    expect(runningTasks(c.containerdAddress)).toHaveLength(3);
    const wide = kedge(['get', 'pods', '-o', 'wide'], env).stdout;
    expect(wide.split('\n').filter((l) => /^hello-.*Running/.test(l))).toHaveLength(3);
  });

  it('restarts a container whose process is killed', async () => {
    const [victim] = runningTasks(c.containerdAddress);
    expect(victim).toBeDefined();
    process.kill(victim!.pid, 'SIGKILL');
    const pod = await waitFor('the killed container to run again', async () => {
      const list = await c.client.list<Pod>('Pod', { namespace: 'default', labelSelector: 'app=hello' });
      const p = list.items.find((x) => (x.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
      return p && p.status?.containerStatuses?.[0]?.state.running && runningTasks(c.containerdAddress).length === 3 ? p : undefined;
    }, 45_000);
    expect(pod.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(137);
  });

  it('deleting the Deployment removes every container from containerd', async () => {
    const del = kedge(['delete', '-f', manifest], env);
    expect(del.stdout).toContain('deployment.apps "hello" deleted');
    await waitFor('no containers left', () => ctr(c.containerdAddress, ['containers', 'ls', '-q']).trim() === '', 60_000);
    const list = await c.client.list<Pod>('Pod', { namespace: 'default' });
    expect(list.items).toHaveLength(0);
  });

  it('the API refuses requests without the admin token (401 Status)', async () => {
    const res = await fetchInsecure(`${c.url}/api/v1/pods`);
    expect(res.status).toBe(401);
    expect(res.body.kind).toBe('Status');
  });

  it('an agent with a wrong secret is refused', async () => {
    const bad = c.token.replace(/::node:.*/, '::node:' + 'x'.repeat(32));
    const p = startKedge(['agent', '--server', c.url, '--token', bad, '--node-name', 'intruder', '--data-dir', join(c.dir, 'intruder'), '--containerd-address', c.containerdAddress]);
    const code = await Promise.race([p.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    await p.stop();
    expect(code).not.toBe(0);
    expect(p.output()).toMatch(/401|unauthori[sz]ed|token/i);
    expect(await c.client.get('Node', undefined, 'intruder').catch(() => null)).toBeNull();
  });

  it('an agent refuses a server whose CA does not match the token hash', async () => {
    const forged = c.token.replace(/^K10[0-9a-f]{64}/, 'K10' + '0'.repeat(64));
    const p = startKedge(['agent', '--server', c.url, '--token', forged, '--node-name', 'doubter', '--data-dir', join(c.dir, 'doubter'), '--containerd-address', c.containerdAddress]);
    const code = await Promise.race([p.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    await p.stop();
    expect(code).not.toBe(0);
    expect(p.output()).toMatch(/CA.*does not match/i);
  });

  it("a node's MQTT credentials cannot publish to or subscribe on another node's topics", async () => {
    const creds = JSON.parse(readFileSync(join(c.dir, 'edge-1', 'credentials.json'), 'utf8')) as { ca: string; mqtt: { username: string; password: string } };
    const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${c.mqttPort}`, {
      username: creds.mqtt.username, password: creds.mqtt.password, clientId: `${creds.mqtt.username}:probe`, ca: creds.ca, servername: 'localhost', reconnectPeriod: 0,
    });
    try {
      // mqtt.js rejects a subscription the broker refused (SUBACK return code 128).
      await expect(client.subscribeAsync('kedge/v1/nodes/server-0/desired', { qos: 1 })).rejects.toThrow(/Subscribe error/);
      await expect(client.subscribeAsync('kedge/#', { qos: 0 })).rejects.toThrow(/Subscribe error/);
      const own = await client.subscribeAsync('kedge/v1/nodes/edge-1/desired', { qos: 1 });
      expect(own[0]?.qos).toBe(1);
      // A forged heartbeat claiming server-0 is NotReady-worthy must not reach the server's view of server-0.
      const before = await c.client.get<Node>('Node', undefined, 'server-0');
      await client.publishAsync('kedge/v1/nodes/server-0/online', '0', { qos: 1, retain: true }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1000));
      const after = await c.client.get<Node>('Node', undefined, 'server-0');
      expect(after.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('True');
      expect(before.metadata.name).toBe('server-0');
    } finally {
      await client.endAsync(true);
    }
  });
});

async function fetchInsecure(url: string): Promise<{ status: number; body: { kind?: string } }> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    https.get(url, { rejectUnauthorized: false }, (res) => {
      let s = '';
      res.on('data', (d) => (s += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(s) }));
    }).on('error', reject);
  });
}
