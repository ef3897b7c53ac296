import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../shared/pod.js';
import { ctr, e2eSkipReason, kedge, startCluster, waitFor, type Cluster, withTestImages } from './cluster.js';

/** The kubectl to test with: $KUBECTL, else the one on PATH (any version from 1.20 on). */
const kubectlBin = process.env.KUBECTL ?? 'kubectl';
const versionRun = spawnSync(kubectlBin, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
const hasKubectl = versionRun.status === 0;
/** kubectl speaks WebSocket for exec from 1.30 on; older ones use SPDY, which kedge refuses with a Status. */
const kubectlMinor = hasKubectl ? Number.parseInt((JSON.parse(versionRun.stdout) as { clientVersion: { minor: string } }).clientVersion.minor, 10) : 0;
const skip = e2eSkipReason() ?? (hasKubectl ? null : `no kubectl binary (${kubectlBin}); install kubectl or Debian's kubernetes-client, or set KUBECTL`);

function manifest(tag: string): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app: web }
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
          command: ["sh", "-c", "echo hello from ${tag}; while true; do echo tick; sleep 0.5; done"]
          env:
            - { name: TAG, value: "${tag}" }
`;
}

describe.skipIf(skip !== null)(`kubectl against a real cluster${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let c: Cluster;
  let file: string;
  let env: Record<string, string>;

  /** Runs kubectl with its own discovery cache, so nothing from another cluster leaks in. */
  const kubectl = (args: string[]) => {
    const r = spawnSync(kubectlBin, ['--cache-dir', join(c.dir, 'kube-cache'), ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 90_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const apply = (tag: string) => {
    writeFileSync(file, manifest(tag));
    return kubectl(['apply', '-f', file]);
  };
  const runningPod = async (tag: string) => {
    const list = await c.client.list<Pod>('Pod', { namespace: 'default', labelSelector: 'app=web' });
    const live = list.items.filter((p) => !p.metadata.deletionTimestamp);
    return live.length === 1 && live[0]!.spec.containers[0]!.image === `busybox:${tag}` && live[0]!.status?.containerStatuses?.[0]?.state.running ? live[0] : undefined;
  };
  const diagnose = (e: unknown) => new Error(`${(e as Error).message}\nserver output:\n${c.server.output().slice(-3000)}`);

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

  it('kubectl apply -f creates a Deployment, validated by the server (no --validate=false)', () => {
    const r = apply('v1');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('deployment.apps/web created\n');
    // An unknown field: kubectl 1.27+ asks for strict validation and the server refuses it; older
    // kubectl asks for none and gets the server's warning. Either way the user hears about it.
    writeFileSync(join(c.dir, 'bad.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: bad }\ndata: { a: "1" }\ndta: { b: "2" }\n');
    const bad = kubectl(['apply', '-f', join(c.dir, 'bad.yaml')]);
    expect(bad.stderr).toMatch(/unknown field "dta"/);
    kubectl(['delete', 'configmap', 'bad', '--ignore-not-found']);
  });

  it('kubectl get pods shows it Running with kubectl\'s columns; short names resolve', async () => {
    await waitFor('the v1 pod Running', () => runningPod('v1'), 60_000).catch((e) => {
      throw diagnose(e);
    });
    const pods = kubectl(['get', 'pods']);
    expect(pods.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    expect(pods.stdout).toMatch(/\nweb-\S+\s+1\/1\s+Running\s+0\s+\S+\n/);
    const wide = kubectl(['get', 'po', '-o', 'wide']);
    expect(wide.stdout).toMatch(/IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/);
    expect(wide.stdout).toContain('server-0');
    const many = kubectl(['get', 'deploy,rs,no,ns,cm,ev']);
    expect(many.code).toBe(0);
    expect(many.stdout).toContain('deployment.apps/web');
    expect(many.stdout).toMatch(/node\/server-0\s+Ready/);
  });

  it('kubectl logs prints the container\'s output, and -f follows it', async () => {
    const pod = (await runningPod('v1'))!.metadata.name!;
    const logs = await waitFor('the greeting in kubectl logs', () => {
      const r = kubectl(['logs', pod]);
      return r.stdout.includes('tick') ? r.stdout : undefined;
    });
    expect(logs.startsWith('hello from v1\n')).toBe(true);
    expect(kubectl(['logs', 'deploy/web', '--tail=1']).stdout).toBe('tick\n');

    const follow = spawn(kubectlBin, ['--cache-dir', join(c.dir, 'kube-cache'), 'logs', '-f', '--tail=0', pod], { env: { ...process.env, ...env } });
    let out = '';
    follow.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await new Promise((r) => setTimeout(r, 1000));
      const marker = `kubectl-marker-${Date.now()}`;
      expect(kedge(['exec', pod, '--', 'sh', '-c', `echo ${marker} > /proc/1/fd/1`], env).code).toBe(0);
      await waitFor('the marker in kubectl logs -f', () => out.includes(marker), 15_000);
    } finally {
      follow.kill('SIGINT');
    }
  });

  it('kubectl exec runs a command and exits with its code (WebSocket, kubectl 1.30+)', async () => {
    const pod = (await runningPod('v1'))!.metadata.name!;
    const r = kubectl(['exec', pod, '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    if (kubectlMinor >= 30) {
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('out\n');
      expect(r.stderr).toContain('err\n');
      const ok = kubectl(['exec', `pod/${pod}`, '-c', 'web', '--', 'cat', '/proc/1/cmdline']);
      expect(ok).toMatchObject({ code: 0, stderr: '' });
      expect(ok.stdout).toContain('hello from v1');
      expect(kubectl(['exec', '-i', pod, '--', 'cat']).stderr).toMatch(/non-interactively/);
    } else {
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/WebSocket only/);
    }
  });

  it('kubectl apply with a changed image rolls the Deployment; rollout status waits for it', async () => {
    const r = apply('v2');
    expect(r.stdout).toBe('deployment.apps/web configured\n');
    const status = kubectl(['rollout', 'status', 'deployment/web', '--timeout=90s']);
    expect(status.stdout).toContain('deployment "web" successfully rolled out');
    await waitFor('the v2 pod Running', () => runningPod('v2'), 60_000).catch((e) => {
      throw diagnose(e);
    });
    const pod = (await runningPod('v2'))!;
    // The strategic merge patch kept the command and merged env by name.
    expect(pod.spec.containers[0]!.env).toEqual([{ name: 'TAG', value: 'v2' }]);
    expect(pod.spec.containers[0]!.command?.[2]).toContain('hello from v2');
    expect(kubectl(['rollout', 'history', 'deployment/web']).stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
  });

  it('kubectl rollout undo brings the previous image back', async () => {
    const r = kubectl(['rollout', 'undo', 'deployment/web']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('deployment.apps/web rolled back\n');
    await waitFor('the v1 pod Running again', () => runningPod('v1'), 60_000).catch((e) => {
      throw diagnose(e);
    });
  });

  it('kubectl get -w, scale, label and apply --server-side work on the same object', async () => {
    const watch = spawn(kubectlBin, ['--cache-dir', join(c.dir, 'kube-cache'), 'get', 'deployments', '-w'], { env: { ...process.env, ...env } });
    let out = '';
    watch.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor('the watch to list the deployment', () => /\nweb\s+1\/1/.test(out), 15_000);
      expect(kubectl(['scale', 'deployment/web', '--replicas=2']).stdout).toBe('deployment.apps/web scaled\n');
      await waitFor('the watch to show 2 replicas wanted', () => /\nweb\s+\d\/2\s/.test(out), 15_000).catch((e) => {
        throw new Error(`${(e as Error).message}\nkubectl get -w output:\n${out}`);
      });
    } finally {
      watch.kill('SIGINT');
    }
    expect(out).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
    expect(kubectl(['label', 'deployment/web', 'tier=front']).stdout).toBe('deployment.apps/web labeled\n');
    // Server-side apply of the manifest as it is now (v1): kedge merges it without field ownership.
    writeFileSync(file, manifest('v1'));
    const ssa = kubectl(['apply', '--server-side', '--force-conflicts', '-f', file]);
    expect(ssa.stdout).toBe('deployment.apps/web serverside-applied\n');
    const d = JSON.parse(kubectl(['get', 'deployment', 'web', '-o', 'json']).stdout);
    expect(d.metadata.labels).toMatchObject({ app: 'web', tier: 'front' });
    expect(d.spec.replicas).toBe(1);
  });

  it('kubectl delete removes the Deployment and its containers; unsupported kinds say so', async () => {
    const r = kubectl(['delete', '-f', file]);
    expect(r.stdout).toBe('deployment.apps "web" deleted\n');
    await waitFor('no containers left', () => ctr(c.containerdAddress, ['containers', 'ls', '-q']).trim() === '', 60_000);
    expect(kubectl(['get', 'pods']).stderr).toBe('No resources found in default namespace.\n');
    const exec = kubectl(['exec', 'nothing', '--', 'ls']);
    expect(exec.code).not.toBe(0);
    expect(kubectl(['get', 'cronjobs']).stderr).toMatch(/doesn't have a resource type "cronjobs"/);
  });
});
