import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaemonSet } from '../../shared/daemonset.js';
import type { Deployment } from '../../shared/deployment.js';
import type { Node } from '../../shared/node.js';
import { isPodReady, type Pod } from '../../shared/pod.js';
import type { ReplicaSet } from '../../shared/replicaset.js';
import { ctr, e2eSkipReason, freePort, kedge, startKedge, waitFor, type Cluster, startCluster, withTestImages } from './cluster.js';

/*
 * How "an HTTP check against the service never fails" is checked on one host.
 *
 * Every container runs with host networking and both agents share this machine's loopback, so two
 * pods of one template cannot listen on one port. The Deployment therefore has one replica
 * (maxSurge 1, maxUnavailable 0) and each template version listens on its own port, given as env
 * PORT in the template (v1 and v2 differ anyway: image and port). During a rollout the old and the
 * surge pod run side by side on different ports.
 *
 * The test plays the Service: every 100 ms it lists the pods, takes the Ready ones as endpoints
 * (each pod's port read from its own spec), and GETs every endpoint. A round with no Ready endpoint
 * or any failed GET is a failure. Like a Kubernetes endpoint, a pod leaves the set when it is
 * deleted; its container keeps serving for one second after SIGTERM (the usual preStop sleep), so a
 * GET racing the deletion still lands. A readinessProbe makes Ready mean "answers HTTP" where the
 * agent runs probes. The Deployment's readyReplicas is checked in the same rounds (never below 1).
 */

const skip = e2eSkipReason();

const script = (version: string) =>
  `echo ${version} > /tmp/index.html; httpd -f -p 127.0.0.1:$PORT -h /tmp & pid=$!; trap "sleep 1; kill $pid; exit 0" TERM; wait`;

function webManifest(version: 'v1' | 'v2', port: number): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: { kubernetes.io/change-cause: "web ${version}" }
spec:
  replicas: 1
  progressDeadlineSeconds: 60
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      # The test reaches each replica on the host's loopback.
      hostNetwork: true
      terminationGracePeriodSeconds: 3
      containers:
        - name: web
          image: kedge-test/web:${version}
          env: [{ name: PORT, value: "${port}" }]
          readinessProbe: { httpGet: { path: /, port: ${port} }, periodSeconds: 1 }
`;
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(body.trim()) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

const isReady = (p: Pod) => !p.metadata.deletionTimestamp && isPodReady(p);
const portOf = (p: Pod) => p.spec.containers[0]!.env?.find((e) => e.name === 'PORT')?.value;

/** The Service stand-in described above; `stop()` returns what it saw. */
function startServiceCheck(c: Cluster) {
  const failures: string[] = [];
  const served = new Set<string>();
  let rounds = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = new Date().toISOString();
      try {
        const pods = (await c.client.list<Pod>('Pod', { namespace: 'default', labelSelector: 'app=web' })).items.filter(isReady);
        const d = await c.client.get<Deployment>('Deployment', 'default', 'web');
        if ((d.status?.readyReplicas ?? 0) < 1) failures.push(`${t}: readyReplicas ${d.status?.readyReplicas ?? 0}`);
        if (!pods.length) failures.push(`${t}: no ready endpoint`);
        for (const p of pods) {
          try {
            served.add(await get(`http://127.0.0.1:${portOf(p)}/`));
          } catch (e) {
            failures.push(`${t}: ${p.metadata.name} on port ${portOf(p)}: ${(e as Error).message}`);
          }
        }
      } catch (e) {
        failures.push(`${t}: API: ${(e as Error).message}`);
      }
      rounds++;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    /** Keeps checking until the new version has answered (the last step of a rollout is quick). */
    served: (version: string) => waitFor(`${version} served through the check`, () => served.has(version), 30_000, 50),
    async stop() {
      running = false;
      await loop;
      return { failures, rounds, served: [...served].sort() };
    },
  };
}

/** A CLI command run without blocking the event loop (the service check keeps going meanwhile). */
async function kedgeAsync(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const p = startKedge(args, env);
  const t = setTimeout(() => void p.stop('SIGKILL'), 90_000);
  const code = await p.exited;
  clearTimeout(t);
  return { code, output: p.output() };
}

async function setNodeLabel(c: Cluster, name: string, key: string, value: string | undefined) {
  for (let attempt = 0; ; attempt++) {
    const n = await c.client.get<Node>('Node', undefined, name);
    const labels = { ...(n.metadata.labels ?? {}) };
    if (value === undefined) delete labels[key];
    else labels[key] = value;
    try {
      await c.client.update({ ...n, metadata: { ...n.metadata, labels } });
      return;
    } catch (e) {
      if (attempt >= 4) throw e;
    }
  }
}

describe.skipIf(skip !== null)(`workloads: rolling updates, rollback, DaemonSets on real containerd${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let c: Cluster;
  let env: Record<string, string>;
  const ports = { v1: 0, v2: 0 };
  const manifest = (v: 'v1' | 'v2') => join(c.dir, `web-${v}.yaml`);

  beforeAll(async () => {
    c = await startCluster({
      prepareAgentDir: withTestImages(...['v1', 'v2'].map((v) => ({ name: `docker.io/kedge-test/web:${v}`, env: ['PATH=/bin'], cmd: ['sh', '-c', script(v)] }))),
    });
    env = { KUBECONFIG: c.kubeconfig };
    ports.v1 = await freePort();
    ports.v2 = await freePort();
    for (const v of ['v1', 'v2'] as const) writeFileSync(manifest(v), webManifest(v, ports[v]));
    c.startAgent('edge-1');
    await waitFor('both nodes Ready', async () => {
      const nodes = (await c.client.list<Node>('Node')).items;
      return nodes.filter((n) => n.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).length === 2;
    }, 60_000).catch((e) => {
      throw new Error(`${(e as Error).message}\n${c.server.output().slice(-3000)}`);
    });
    // Both agents share one containerd: the server's agent imports the images for both.
    await waitFor('the web images imported', () => {
      const images = ctr(c.containerdAddress, ['images', 'ls', '-q']);
      return images.includes('kedge-test/web:v1') && images.includes('kedge-test/web:v2');
    }, 60_000);
  }, 180_000);

  afterAll(async () => {
    // The agents stop their containerd on exit, so containers are removed through kedge first, while it runs.
    if (c) {
      for (const [kind, name] of [['Deployment', 'web'], ['Deployment', 'broken'], ['DaemonSet', 'collector']] as const) await c.client.delete(kind, 'default', name).catch(() => undefined);
      await waitFor('no containers left', () => ctr(c.containerdAddress, ['containers', 'ls', '-q']).trim() === '', 30_000).catch(() => undefined);
    }
    await c?.stop();
  });

  it('rolls v1 out to v2 with maxUnavailable 0 while an HTTP check never fails', async () => {
    expect(kedge(['apply', '-f', manifest('v1')], env).stdout).toContain('deployment.apps/web created');
    const first = await kedgeAsync(['rollout', 'status', 'deploy/web', '--timeout', '60s'], env);
    expect(first.output, first.output).toContain('deployment "web" successfully rolled out');
    await waitFor('v1 answering', async () => (await get(`http://127.0.0.1:${ports.v1}/`).catch(() => '')) === 'v1', 10_000);

    const check = startServiceCheck(c);
    expect(kedge(['apply', '-f', manifest('v2')], env).stdout).toContain('deployment.apps/web configured');
    const status = await kedgeAsync(['rollout', 'status', 'deploy/web', '--timeout', '60s'], env);
    // Let the old pod's deletion play out under the check too.
    await waitFor('the v1 pod gone', async () => (await c.client.list<Pod>('Pod', { namespace: 'default', labelSelector: 'app=web' })).items.length === 1, 30_000);
    await check.served('v2');
    const seen = await check.stop();

    expect(status.code, status.output).toBe(0);
    expect(status.output).toContain('deployment "web" successfully rolled out');
    expect(seen.failures).toEqual([]);
    // Both versions seen is what proves the check overlapped the rollout; a fast rollout may take only a few rounds.
    expect(seen.rounds).toBeGreaterThanOrEqual(2);
    expect(seen.served).toEqual(['v1', 'v2']);
    expect(await get(`http://127.0.0.1:${ports.v2}/`)).toBe('v2');

    const d = await c.client.get<Deployment>('Deployment', 'default', 'web');
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(d.status).toMatchObject({ replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 });
    const rss = (await c.client.list<ReplicaSet>('ReplicaSet', { namespace: 'default' })).items;
    expect(rss.map((r) => [r.metadata.annotations?.['deployment.kubernetes.io/revision'], r.spec.replicas]).sort()).toEqual([['1', 0], ['2', 1]]);
    const [pod] = (await c.client.list<Pod>('Pod', { namespace: 'default', labelSelector: 'app=web' })).items;
    expect(pod!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', controller: true });
    expect(pod!.metadata.labels?.['pod-template-hash']).toBe(rss.find((r) => r.spec.replicas === 1)!.metadata.labels?.['pod-template-hash']);
  });

  it('rollout undo goes back to v1, again without a failed check, and history shows the revisions', async () => {
    const check = startServiceCheck(c);
    const undo = kedge(['rollout', 'undo', 'deploy/web'], env);
    expect(undo.stdout, undo.stderr).toBe('deployment.apps/web rolled back\n');
    const status = await kedgeAsync(['rollout', 'status', 'deploy/web', '--timeout', '60s'], env);
    await waitFor('the v2 pod gone', async () => (await c.client.list<Pod>('Pod', { namespace: 'default', labelSelector: 'app=web' })).items.length === 1, 30_000);
    await check.served('v1');
    const seen = await check.stop();

    expect(status.code, status.output).toBe(0);
    expect(seen.failures).toEqual([]);
    expect(seen.served).toEqual(['v1', 'v2']);
    expect(await get(`http://127.0.0.1:${ports.v1}/`)).toBe('v1');
    const history = kedge(['rollout', 'history', 'deploy/web'], env).stdout;
    expect(history).toMatch(/^deployment\.apps\/web \nREVISION\s+CHANGE-CAUSE\n2\s+web v2\n3\s+web v1\n/);
  });

  it('rollout status exits non-zero once the progress deadline passes', async () => {
    const broken = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: broken }
spec:
  replicas: 1
  progressDeadlineSeconds: 2
  selector: { matchLabels: { app: broken } }
  template:
    metadata: { labels: { app: broken } }
    spec:
      containers: [{ name: c, image: kedge-test/web:v1, command: ["sh", "-c", "exit 1"] }]
`;
    expect(kedge(['apply', '-f', '-'], env, broken).code).toBe(0);
    const status = await kedgeAsync(['rollout', 'status', 'deploy/broken', '--timeout', '60s'], env);
    expect(status.code).toBe(1);
    expect(status.output).toContain('error: deployment "broken" exceeded its progress deadline');
    expect(kedge(['delete', 'deploy', 'broken'], env).code).toBe(0);
  });

  it('a DaemonSet lands on exactly the labelled nodes and follows label changes', async () => {
    await setNodeLabel(c, 'edge-1', 'kedge.test/sensor', 'yes');
    const ds = `
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: collector }
spec:
  selector: { matchLabels: { app: collector } }
  template:
    metadata: { labels: { app: collector } }
    spec:
      nodeSelector: { kedge.test/sensor: "yes" }
      terminationGracePeriodSeconds: 2
      containers:
        - name: c
          image: kedge-test/web:v1
          command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
`;
    expect(kedge(['apply', '-f', '-'], env, ds).stdout).toContain('daemonset.apps/collector created');
    const running = async (nodes: string[]) => {
      const pods = (await c.client.list<Pod>('Pod', { namespace: 'default', labelSelector: 'app=collector' })).items;
      const on = pods.map((p) => p.spec.nodeName).sort();
      return JSON.stringify(on) === JSON.stringify(nodes) && pods.every((p) => p.status?.phase === 'Running') ? pods : undefined;
    };
    const [pod] = await waitFor('one collector pod on edge-1', () => running(['edge-1']), 30_000);
    expect(pod!.metadata.name).toMatch(/^collector-[a-z0-9]{5}$/);

    await setNodeLabel(c, 'server-0', 'kedge.test/sensor', 'yes');
    await waitFor('collector pods on both nodes', () => running(['edge-1', 'server-0']), 30_000);
    await setNodeLabel(c, 'edge-1', 'kedge.test/sensor', undefined);
    await waitFor('the collector pod only on server-0', () => running(['server-0']), 30_000);
    const status = await waitFor('DaemonSet status', async () => {
      const d = await c.client.get<DaemonSet>('DaemonSet', 'default', 'collector');
      return d.status?.numberReady === 1 ? d.status : undefined;
    }, 30_000);
    expect(status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberMisscheduled: 0, updatedNumberScheduled: 1, numberAvailable: 1 });
    expect(kedge(['get', 'ds', 'collector'], env).stdout).toMatch(/collector\s+1\s+1\s+1\s+1\s+1\s+kedge\.test\/sensor=yes/);
  });

  it('scale through the scale subresource; deleting the Deployment and DaemonSet removes ReplicaSets, pods and containers', async () => {
    expect(kedge(['scale', 'deploy/web', '--replicas', '0'], env).stdout).toBe('deployment.apps/web scaled\n');
    await waitFor('no web pods', async () => (await c.client.list<Pod>('Pod', { namespace: 'default', labelSelector: 'app=web' })).items.length === 0, 30_000);
    expect(kedge(['delete', 'deploy', 'web'], env).code).toBe(0);
    await waitFor('no web ReplicaSets', async () => (await c.client.list<ReplicaSet>('ReplicaSet', { namespace: 'default', labelSelector: 'app=web' })).items.length === 0, 30_000);
    expect(kedge(['delete', 'ds', 'collector'], env).code).toBe(0);
    await waitFor('no containers left', () => ctr(c.containerdAddress, ['containers', 'ls', '-q']).trim() === '', 30_000);
    expect((await c.client.list<Pod>('Pod', { namespace: 'default' })).items).toEqual([]);
  });
});
