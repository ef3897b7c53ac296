import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KEvent } from '../../shared/event.js';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { ctr, e2eSkipReason, kedge, runningTasks, startCluster, waitFor, type Cluster, type Proc, withTestImages } from './cluster.js';

const skip = e2eSkipReason();

const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: failover
spec:
  replicas: 2
  selector:
    matchLabels: { app: failover }
  template:
    metadata:
      labels: { app: failover }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: app
          image: busybox:test
          command: ["sh", "-c", "while true; do sleep 1; done"]
          resources:
            requests: { cpu: 10m, memory: 8Mi }
---
apiVersion: v1
kind: Pod
metadata:
  name: pinned
  labels: { app: pinned }
spec:
  nodeSelector: { role: edge }
  terminationGracePeriodSeconds: 1
  # An app tied to its device: it stays through any outage of its node.
  tolerations:
    - key: node.kubernetes.io/unreachable
      operator: Exists
      effect: NoExecute
  containers:
    - name: app
      image: busybox:test
      command: ["sh", "-c", "while true; do sleep 1; done"]
`;

const ready = (n: Node | undefined) => n?.status?.conditions?.find((c) => c.type === 'Ready')?.status;

describe.skipIf(skip !== null)(`failover: a killed agent's pods run elsewhere${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let c: Cluster;
  let env: Record<string, string>;
  let edge: Proc;
  const list = async (selector: string) => (await c.client.list<Pod>('Pod', { namespace: 'default', labelSelector: selector })).items;
  const nodeReady = (name: string, want: string) => waitFor(`${name} ${want}`, async () => ready(await c.client.get<Node>('Node', undefined, name).catch(() => undefined)) === want, 30_000);
  const tasksOf = (uid: string) => runningTasks(c.containerdAddress).filter((t) => t.id.startsWith(uid));
  const evicted: Pod[] = [];

  beforeAll(async () => {
    c = await startCluster({
      prepareAgentDir: withTestImages(),
    });
    env = { KUBECONFIG: c.kubeconfig };
    writeFileSync(join(c.dir, 'failover.yaml'), manifests);
    mkdirSync(join(c.dir, 'edge-1'), { recursive: true });
    await nodeReady('server-0', 'True');
    edge = c.startAgent('edge-1');
    await nodeReady('edge-1', 'True').catch((e) => {
      throw new Error(`${(e as Error).message}\n${edge.output()}`);
    });
  }, 120_000);

  afterAll(async () => {
    if (c) {
      // Agents stop their containerd on exit, so the containers must be gone before the cluster stops.
      kedge(['delete', '-f', join(c.dir, 'failover.yaml'), '--ignore-not-found'], env);
      await waitFor('no containers left', () => ctr(c.containerdAddress, ['containers', 'ls', '-q']).trim() === '', 30_000).catch(() => undefined);
    }
    await c?.stop();
  });

  it('label and cordon steer the pods onto edge-1; binding adds the default tolerations', async () => {
    expect(kedge(['label', 'node', 'edge-1', 'role=edge'], env).stdout).toBe('node/edge-1 labeled\n');
    expect(kedge(['cordon', 'server-0'], env).stdout).toBe('node/server-0 cordoned\n');
    expect(kedge(['get', 'nodes'], env).stdout).toMatch(/server-0\s+Ready,SchedulingDisabled/);
    const applied = kedge(['apply', '-f', join(c.dir, 'failover.yaml')], env);
    expect(applied.stderr).toBe('');
    const pods = await waitFor('3 pods Running on edge-1', async () => {
      const all = [...(await list('app=failover')), ...(await list('app=pinned'))];
      return all.length === 3 && all.every((p) => p.status?.phase === 'Running' && p.spec.nodeName === 'edge-1') ? all : undefined;
    }, 60_000).catch((e) => {
      throw new Error(`${(e as Error).message}\n${c.server.output().slice(-3000)}`);
    });
    expect(kedge(['uncordon', 'server-0'], env).stdout).toBe('node/server-0 uncordoned\n');
    const web = pods.find((p) => p.metadata.labels?.app === 'failover')!;
    expect(web.spec.tolerations).toEqual(
      expect.arrayContaining([
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 },
      ]),
    );
    const pinned = pods.find((p) => p.metadata.name === 'pinned')!;
    expect(pinned.spec.tolerations?.find((t) => t.key === 'node.kubernetes.io/unreachable')?.tolerationSeconds).toBeUndefined();
    expect(kedge(['get', 'pod', 'pinned', '-o', 'yaml'], env).stdout).toMatch(/key: node.kubernetes.io\/not-ready\n\s+operator: Exists\n\s+effect: NoExecute\n\s+tolerationSeconds: 20/);
  }, 90_000);

  it('SIGKILL of the agent: NotReady at once, tainted, and the Deployment runs on server-0 within 35 s', async () => {
    const pinned = (await list('app=pinned'))[0]!;
    const pinnedTask = tasksOf(pinned.metadata.uid!)[0];
    expect(pinnedTask).toBeDefined();
    evicted.push(...(await list('app=failover')));
    expect(evicted.every((p) => tasksOf(p.metadata.uid!).length === 1)).toBe(true);

    const t0 = Date.now();
    edge.child.kill('SIGKILL');
    await edge.exited;
    await nodeReady('edge-1', 'Unknown');
    const notReadyAfter = Date.now() - t0;
    const node = await c.client.get<Node>('Node', undefined, 'edge-1');
    expect(node.spec?.taints).toEqual([expect.objectContaining({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' })]);

    const moved = await waitFor('2 Deployment pods Running on server-0', async () => {
      const ps = await list('app=failover');
      return ps.length === 2 && ps.every((p) => p.spec.nodeName === 'server-0' && p.status?.phase === 'Running') ? ps : undefined;
    }, 45_000, 100).catch((e) => {
      throw new Error(`${(e as Error).message}\n${c.server.output().slice(-3000)}`);
    });
    const failover = Date.now() - t0;
    console.log(`failover: edge-1 NotReady after ${notReadyAfter} ms, its Deployment pods Running on server-0 after ${failover} ms`);
    expect(notReadyAfter).toBeLessThan(5_000);
    expect(failover).toBeLessThan(35_000);
    expect(moved.map((p) => p.metadata.uid)).not.toContain(evicted[0]!.metadata.uid);

    // The pinned pod stays bound to edge-1, and its container runs on (containerd keeps it without the agent).
    const still = await c.client.get<Pod>('Pod', 'default', 'pinned');
    expect(still.metadata.uid).toBe(pinned.metadata.uid);
    expect(still.spec.nodeName).toBe('edge-1');
    expect(tasksOf(pinned.metadata.uid!)[0]?.pid).toBe(pinnedTask!.pid);

    const events = (await c.client.list<KEvent>('Event', { namespace: 'default' })).items;
    const about = (reason: string, name: string) => events.some((e) => e.reason === reason && e.involvedObject.name === name);
    expect(about('NodeNotReady', 'edge-1')).toBe(true);
    for (const p of evicted) expect(about('TaintManagerEviction', p.metadata.name!)).toBe(true);
    expect(about('TaintManagerEviction', 'pinned')).toBe(false);
    const table = kedge(['get', 'events'], env).stdout;
    expect(table.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(table).toMatch(/Normal\s+TaintManagerEviction\s+pod\/failover-\S+\s+Marking for deletion Pod default\/failover-/);
    expect(kedge(['describe', 'node', 'edge-1'], env).stdout).toMatch(/Taints:\s+node\.kubernetes\.io\/unreachable:NoExecute/);
  }, 90_000);

  it('when the agent returns, the replaced pods stop on edge-1 and the pinned pod runs on unrestarted', async () => {
    const pinned = (await list('app=pinned'))[0]!;
    const pid = tasksOf(pinned.metadata.uid!)[0]?.pid;
    edge = c.startAgent('edge-1');
    await nodeReady('edge-1', 'True');
    expect((await c.client.get<Node>('Node', undefined, 'edge-1')).spec?.taints ?? []).toEqual([]);
    await waitFor("the evicted pods' containers to stop", () => evicted.every((p) => tasksOf(p.metadata.uid!).length === 0), 30_000).catch((e) => {
      throw new Error(`${(e as Error).message}\n${edge.output().slice(-3000)}`);
    });
    const current = [...(await list('app=failover')), ...(await list('app=pinned'))];
    const uids = new Set(current.map((p) => p.metadata.uid!));
    await waitFor('only the current pods in containerd', () => {
      const ids = ctr(c.containerdAddress, ['containers', 'ls', '-q']).split('\n').filter(Boolean);
      return ids.length === current.length && ids.every((id) => [...uids].some((u) => id.startsWith(u)));
    }, 30_000);
    expect(tasksOf(pinned.metadata.uid!)[0]?.pid).toBe(pid);
    const after = await waitFor('pinned Ready again', async () => {
      const p = await c.client.get<Pod>('Pod', 'default', 'pinned');
      return p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ? p : undefined;
    }, 20_000);
    expect(after.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    const describePod = kedge(['describe', 'pod', 'pinned'], env).stdout;
    expect(describePod).toMatch(/Node:\s+edge-1/);
    expect(describePod).toMatch(/Tolerations:\s+node\.kubernetes\.io\/unreachable:NoExecute op=Exists\n/);
    expect(describePod).toMatch(/Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n[\s\S]*Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/pinned to edge-1/);
    // The agent's own events (Started, BackOff, Unhealthy…) in describe are checked in pods.test.ts; here the
    // pinned pod's Started event from before the kill is not always delivered (a known gap, see the issue notes).
  }, 90_000);
});
