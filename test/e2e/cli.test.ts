import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { ctr, e2eSkipReason, kedge, startCluster, startKedge, waitFor, type Cluster, withTestImages } from './cluster.js';

const skip = e2eSkipReason();

/** The test Deployment: one replica printing a greeting that names the image tag, then a tick every 200 ms. */
function manifest(tag: string): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: busybox:${tag}
          command: ["sh", "-c", "echo hello from ${tag}; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done"]
`;
}

describe.skipIf(skip !== null)(`the kedge CLI against a real cluster${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let c: Cluster;
  let env: Record<string, string>;
  let file: string;

  const runningPods = async (tag: string) => {
    const list = await c.client.list<Pod>('Pod', { namespace: 'default', labelSelector: 'app=web' });
    const live = list.items.filter((p) => !p.metadata.deletionTimestamp);
    const ok = live.length === 1 && live.every((p) => p.status?.phase === 'Running' && p.spec.containers[0]!.image === `busybox:${tag}` && p.status.containerStatuses?.[0]?.state.running);
    return ok ? live : undefined;
  };
  const apply = (tag: string) => {
    writeFileSync(file, manifest(tag));
    return kedge(['apply', '-f', file], env);
  };
  const serverLog = () => `\nserver output:\n${c.server.output().slice(-3000)}`;

  beforeAll(async () => {
    c = await startCluster({
      prepareAgentDir: withTestImages({ name: 'docker.io/library/busybox:v1' }, { name: 'docker.io/library/busybox:v2' }),
    });
    env = { KUBECONFIG: c.kubeconfig };
    file = join(c.dir, 'web.yaml');
    await c.nodeReady('server-0');
  });

  afterAll(async () => {
    await c?.stop();
  });

  it('apply creates the Deployment and get shows its pod Running', async () => {
    const r = apply('v1');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('deployment.apps/web created\n');
    await waitFor('the v1 pod Running', () => runningPods('v1'), 60_000).catch((e) => {
      throw new Error(`${(e as Error).message}${serverLog()}`);
    });
    const table = kedge(['get', 'pods', '-l', 'app=web'], env);
    expect(table.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    expect(table.stdout).toMatch(/\nweb-[a-z0-9-]+\s+1\/1\s+Running\s+0\s+\S+\n/);
    const wide = kedge(['get', 'pods', '-o', 'wide'], env).stdout;
    expect(wide).toMatch(/IP\s+NODE/);
    expect(wide).toMatch(/server-0/);
  });

  it('logs prints the container\'s output; --tail limits it', async () => {
    const [pod] = (await runningPods('v1'))!;
    const name = pod!.metadata.name!;
    const all = await waitFor('ticks in the log', () => {
      const r = kedge(['logs', name], env);
      return r.code === 0 && /tick 3\n/.test(r.stdout) ? r.stdout : undefined;
    });
    expect(all.startsWith('hello from v1\ntick 1\n')).toBe(true);
    const tail = kedge(['logs', name, '--tail', '2'], env);
    expect(tail.stdout.trimEnd().split('\n')).toHaveLength(2);
    const byDeploy = kedge(['logs', 'deploy/web', '--tail', '1'], env);
    expect(byDeploy.code).toBe(0);
    expect(byDeploy.stdout).toMatch(/^tick \d+\n$/);
  });

  it('exec returns the output and exits with the command\'s exit code', async () => {
    const [pod] = (await runningPods('v1'))!;
    const r = kedge(['exec', pod!.metadata.name!, '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], env);
    expect(r).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    const ok = kedge(['exec', 'deploy/web', '--', 'cat', '/proc/1/cmdline'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('hello from');
    const missing = kedge(['exec', pod!.metadata.name!, '--', 'no-such-command'], env);
    expect(missing.code).not.toBe(0);
  });

  it('logs -f receives lines written after it started', async () => {
    const [pod] = (await runningPods('v1'))!;
    const name = pod!.metadata.name!;
    const follow = startKedge(['logs', '-f', name, '--tail', '0'], env);
    try {
      // The marker goes to the container's own stdout, so it can only reach us through the log file.
      await new Promise((r) => setTimeout(r, 1000));
      const marker = `marker-${Date.now()}`;
      expect(kedge(['exec', name, '--', 'sh', '-c', `echo ${marker} > /proc/1/fd/1`], env).code).toBe(0);
      await waitFor('the marker in the followed log', () => follow.output().includes(`${marker}\n`), 15_000).catch((e) => {
        throw new Error(`${(e as Error).message}\nlogs -f output:\n${follow.output().slice(-2000)}`);
      });
      expect(follow.output()).not.toContain('hello from v1');
      expect(follow.child.exitCode).toBeNull();
    } finally {
      await follow.stop('SIGINT');
    }
  });

  it('apply with a changed image rolls the Deployment; rollout undo brings the old image back', async () => {
    const r = apply('v2');
    expect(r.stdout).toBe('deployment.apps/web configured\n');
    await waitFor('the v2 pod Running', () => runningPods('v2'), 60_000).catch((e) => {
      throw new Error(`${(e as Error).message}${serverLog()}`);
    });
    expect(kedge(['logs', 'deploy/web'], env).stdout).toMatch(/^hello from v2\n/);
    const undo = kedge(['rollout', 'undo', 'deployment/web'], env);
    expect(undo.stderr).toBe('');
    expect(undo.stdout).toBe('deployment.apps/web rolled back\n');
    await waitFor('the v1 pod Running again', () => runningPods('v1'), 60_000).catch((e) => {
      throw new Error(`${(e as Error).message}${serverLog()}`);
    });
  });

  it('top nodes shows CPU and memory from the agents\' reports', () => {
    const r = kedge(['top', 'nodes'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+CPU\(cores\)\s+CPU%\s+MEMORY\(bytes\)\s+MEMORY%\n/);
    expect(r.stdout).toMatch(/\nserver-0\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%\n/);
  });

  it('delete removes the Deployment and its containers', async () => {
    const r = kedge(['delete', '-f', file], env);
    expect(r.stdout).toBe('deployment.apps "web" deleted\n');
    await waitFor('no containers left', () => ctr(c.containerdAddress, ['containers', 'ls', '-q']).trim() === '', 60_000);
    expect(kedge(['get', 'pods'], env).stderr).toBe('No resources found in default namespace.\n');
  });

  it('version prints the client and the server version', () => {
    const r = kedge(['version'], env);
    expect(r.stdout).toMatch(/^Client Version: v\S+\nServer Version: v1\.\d+\.\d+\+kedge-\S+\n$/);
  });

  it('a node joins with a created token; get -w sees its pod; once the node stops, logs say since when it is NotReady', async () => {
    const created = kedge(['token', 'create', '--ttl', '1h', '--description', 'e2e'], env);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^K10[0-9a-f]{64}::node:[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(kedge(['token', 'list'], env).stdout).toMatch(/\n[a-z0-9]{6}\s+\S+\s+\S+\s+e2e\n/);
    mkdirSync(join(c.dir, 'edge-1'), { recursive: true });
    const agent = c.startAgent('edge-1', ['--token', token]);
    await c.nodeReady('edge-1', 20_000, () => `agent output:\n${agent.output()}`);

    const watch = startKedge(['get', 'pods', '-w', '-l', 'app=pinned'], env);
    try {
      writeFileSync(join(c.dir, 'pinned.yaml'), `
apiVersion: v1
kind: Pod
metadata: { name: pinned, labels: { app: pinned } }
spec:
  nodeSelector: { kubernetes.io/hostname: edge-1 }
  terminationGracePeriodSeconds: 1
  containers:
    - { name: c, image: busybox:v1, command: ["sh", "-c", "echo on edge-1; sleep 3600"] }
`);
      expect(kedge(['apply', '-f', join(c.dir, 'pinned.yaml')], env).stdout).toBe('pod/pinned created\n');
      await waitFor('the pinned pod Running in get -w', () => /\npinned\s+1\/1\s+Running/.test(watch.output()), 60_000).catch((e) => {
        throw new Error(`${(e as Error).message}\nget -w output:\n${watch.output()}`);
      });
    } finally {
      await watch.stop('SIGINT');
    }
    // The pod is in the first list or the first change, depending on how fast the watcher started: one header either way.
    expect(watch.output()).toMatch(/NAME\s+READY\s+STATUS[^\n]*\npinned\s/);
    expect(watch.output().match(/NAME\s+READY/g)).toHaveLength(1);
    await waitFor('the log from edge-1', () => kedge(['logs', 'pinned'], env).stdout === 'on edge-1\n');

    await agent.stop();
    await waitFor('edge-1 NotReady', async () => {
      const n = await c.client.get<Node>('Node', undefined, 'edge-1');
      return n.status?.conditions?.find((x) => x.type === 'Ready')?.status !== 'True';
    }, 20_000);
    const r = kedge(['logs', 'pinned'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: node edge-1 is NotReady since \d{4}-\d\d-\d\dT\S+/);
    kedge(['delete', 'pod', 'pinned'], env);
  });
});
