import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../shared/pod.js';
import { ctr, e2eSkipReason, kedge, startCluster, waitFor, type Cluster, withTestImages } from './cluster.js';

/** Deletion with the real kubectl against a real cluster: grace periods, finalizers, system namespaces, namespace deletion. */
const kubectlBin = process.env.KUBECTL ?? 'kubectl';
const hasKubectl = spawnSync(kubectlBin, ['version', '--client'], { encoding: 'utf8' }).status === 0;
const skip = e2eSkipReason() ?? (hasKubectl ? null : `no kubectl binary (${kubectlBin}); install kubectl or set KUBECTL`);

/** A process that takes 6 s to stop after SIGTERM; `sleep 1 & wait` keeps the shell (PID 1) free to run its trap. */
const slowToStop = `
apiVersion: v1
kind: Pod
metadata: { name: slow-stop }
spec:
  containers:
    - name: main
      image: busybox:test
      command: ["sh", "-c", "trap 'echo stopping; sleep 6; exit 0' TERM; echo up; while true; do sleep 1 & wait; done"]
`;

const heldConfigMap = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: held
  finalizers: ["example.com/hold"]
data: { a: "1" }
`;

/** The DaemonSet from the Kubernetes documentation's DaemonSet page, unchanged. */
const fluentd = `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  namespace: kube-system
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd-elasticsearch
  template:
    metadata:
      labels:
        name: fluentd-elasticsearch
    spec:
      tolerations:
      # these tolerations are to have the daemonset runnable on control plane nodes
      # remove them if your control plane nodes should not run pods
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      - key: node-role.kubernetes.io/master
        operator: Exists
        effect: NoSchedule
      containers:
      - name: fluentd-elasticsearch
        image: quay.io/fluentd_elasticsearch/fluentd:v2.5.2
        resources:
          limits:
            memory: 200Mi
          requests:
            cpu: 100m
            memory: 200Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
      # it may be desirable to set a high priority class to ensure that a DaemonSet Pod
      # preempts running Pods
      # priorityClassName: important
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
`;

const shop = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: shop, namespace: shop }
spec:
  replicas: 2
  selector: { matchLabels: { app: shop } }
  template:
    metadata: { labels: { app: shop } }
    spec:
      terminationGracePeriodSeconds: 2
      containers:
        - name: main
          image: busybox:test
          command: ["sh", "-c", "while true; do sleep 1 & wait; done"]
`;

describe.skipIf(skip !== null)(`deletion with kubectl against a real cluster${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let c: Cluster;
  let env: Record<string, string>;

  const kubectl = (args: string[], input?: string) => {
    const r = spawnSync(kubectlBin, ['--cache-dir', join(c.dir, 'kube-cache'), ...args], { env: { ...process.env, ...env }, input, encoding: 'utf8', timeout: 90_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  /** Starts kubectl without waiting for it: its exit (code, output, when) is the promise. */
  const kubectlAsync = (args: string[]) => {
    const child = spawn(kubectlBin, ['--cache-dir', join(c.dir, 'kube-cache'), ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    let done = false;
    const exit = new Promise<{ code: number; stdout: string; stderr: string; at: number }>((resolve) => {
      child.on('exit', (code) => {
        done = true;
        resolve({ code: code ?? -1, stdout: out, stderr: err, at: Date.now() });
      });
    });
    return { exit, running: () => !done, kill: () => child.kill('SIGKILL') };
  };
  const apply = (name: string, text: string) => {
    writeFileSync(join(c.dir, name), text);
    return kubectl(['apply', '-f', join(c.dir, name)]);
  };
  const diagnose = (e: unknown) => new Error(`${(e as Error).message}\nserver output:\n${c.server.output().slice(-4000)}`);
  const containers = () => ctr(c.containerdAddress, ['containers', 'ls', '-q']).split('\n').filter(Boolean);

  beforeAll(async () => {
    const fluentdImage = { name: 'quay.io/fluentd_elasticsearch/fluentd:v2.5.2', cmd: ['sh', '-c', "trap 'exit 0' TERM; while true; do sleep 1 & wait; done"] };
    // The fluentd image is a local stand-in under the same name: no registry is reachable from here, and none may be asked.
    c = await startCluster({ prepareAgentDir: withTestImages({}, fluentdImage) });
    env = { KUBECONFIG: c.kubeconfig };
    await c.nodeReady('server-0');
  });

  afterAll(async () => {
    await c?.stop();
  });

  it('kubectl delete of a pod that takes 6 s to stop: Terminating meanwhile, gone after it exits, not before', async () => {
    expect(apply('slow.yaml', slowToStop).stdout).toBe('pod/slow-stop created\n');
    await waitFor('slow-stop running', async () => {
      const p = await c.client.get<Pod>('Pod', 'default', 'slow-stop');
      return p.status?.containerStatuses?.[0]?.state.running ? p : undefined;
    }, 60_000).catch((e) => {
      throw diagnose(e);
    });
    // The shell must be in its loop (trap set) before the signal comes.
    await waitFor('the trap to be set', () => kubectl(['logs', 'slow-stop']).stdout.includes('up'), 15_000);

    const started = Date.now();
    const del = kubectlAsync(['delete', 'pod', 'slow-stop']);
    const terminating = await waitFor('kubectl get pod to say Terminating', () => {
      const r = kubectl(['get', 'pod', 'slow-stop']);
      return /slow-stop\s+\S+\s+Terminating\s/.test(r.stdout) ? r.stdout : undefined;
    }, 15_000);
    expect(terminating).toMatch(/^NAME\s+READY\s+STATUS/);
    expect(kedge(['get', 'pods'], env).stdout).toMatch(/slow-stop\s+\S+\s+Terminating\s/);
    const json = JSON.parse(kubectl(['get', 'pod', 'slow-stop', '-o', 'json']).stdout) as Pod;
    expect(json.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(Date.parse(json.metadata.deletionTimestamp!)).toBeGreaterThan(started + 25_000);

    const done = await del.exit;
    const took = done.at - started;
    expect(done).toMatchObject({ code: 0, stdout: 'pod "slow-stop" deleted\n' });
    expect(took).toBeGreaterThanOrEqual(5_500);
    expect(took).toBeLessThan(25_000);
    expect(kubectl(['get', 'pod', 'slow-stop']).stderr).toContain('pods "slow-stop" not found');
    await waitFor('its container removed', () => !containers().some((id) => id.includes('main')), 30_000);
  });

  it('kubectl delete --grace-period=0 --force removes a pod at once', async () => {
    apply('slow.yaml', slowToStop);
    await waitFor('slow-stop running again', async () => (await c.client.get<Pod>('Pod', 'default', 'slow-stop').catch(() => undefined))?.status?.containerStatuses?.[0]?.state.running, 60_000);
    const started = Date.now();
    const r = kubectl(['delete', 'pod', 'slow-stop', '--grace-period=0', '--force']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('pod "slow-stop" force deleted\n');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(kubectl(['get', 'pod', 'slow-stop']).code).not.toBe(0);
    await waitFor('its container removed', () => containers().length === 0, 30_000);
  });

  it('a finalizer holds a ConfigMap after kubectl delete until kubectl patch --type=json removes it', async () => {
    expect(apply('held.yaml', heldConfigMap).stdout).toBe('configmap/held created\n');
    const del = kubectlAsync(['delete', 'configmap', 'held']);
    await waitFor('deletionTimestamp on the ConfigMap', () => kubectl(['get', 'configmap', 'held', '-o', 'jsonpath={.metadata.deletionTimestamp}']).stdout !== '', 15_000);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(del.running()).toBe(true); // kubectl waits, as against Kubernetes
    expect(kubectl(['get', 'configmap', 'held', '-o', 'jsonpath={.metadata.finalizers}']).stdout).toContain('example.com/hold');

    const patched = kubectl(['patch', 'configmap', 'held', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    expect(patched.stdout).toBe('configmap/held patched\n');
    const done = await Promise.race([del.exit, new Promise<undefined>((r) => setTimeout(r, 30_000))]);
    if (!done) del.kill();
    expect(done).toMatchObject({ code: 0, stdout: 'configmap "held" deleted\n' });
    expect(kubectl(['get', 'configmap', 'held']).stderr).toContain('configmaps "held" not found');
  });

  it('the docs\' fluentd DaemonSet applies into kube-system unchanged, runs, and goes again', async () => {
    expect(kubectl(['get', 'namespaces']).stdout).toMatch(/kube-system\s+Active/);
    const r = apply('fluentd.yaml', fluentd);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('daemonset.apps/fluentd-elasticsearch created\n');
    await waitFor('kubectl get daemonsets to list it on one node', () => /\nfluentd-elasticsearch\s+1\s+/.test(kubectl(['get', 'daemonsets', '-n', 'kube-system']).stdout), 30_000);
    await waitFor('the fluentd pod running on server-0', async () => {
      const pods = (await c.client.list<Pod>('Pod', { namespace: 'kube-system', labelSelector: 'name=fluentd-elasticsearch' })).items;
      return pods.length === 1 && pods[0]!.status?.containerStatuses?.[0]?.state.running ? pods : undefined;
    }, 60_000).catch((e) => {
      throw diagnose(e);
    });
    expect(kubectl(['delete', '-f', join(c.dir, 'fluentd.yaml')]).stdout).toBe('daemonset.apps "fluentd-elasticsearch" deleted\n');
    await waitFor('the fluentd pod and container gone', async () => {
      const pods = (await c.client.list<Pod>('Pod', { namespace: 'kube-system' })).items;
      return pods.length === 0 && containers().length === 0;
    }, 60_000);
    const refused = kubectl(['delete', 'namespace', 'kube-system']);
    expect(refused.stderr).toContain('namespaces "kube-system" is forbidden: this namespace may not be deleted');
  });

  it('kubectl delete namespace of a namespace with a Deployment removes it all', async () => {
    expect(kubectl(['create', 'namespace', 'shop']).stdout).toBe('namespace/shop created\n');
    expect(apply('shop.yaml', shop).stdout).toBe('deployment.apps/shop created\n');
    await waitFor('2 shop pods running', async () => {
      const pods = (await c.client.list<Pod>('Pod', { namespace: 'shop' })).items;
      return pods.filter((p) => p.status?.containerStatuses?.[0]?.state.running).length === 2 ? pods : undefined;
    }, 60_000).catch((e) => {
      throw diagnose(e);
    });
    const del = kubectl(['delete', 'namespace', 'shop', '--timeout=90s']);
    expect(del).toMatchObject({ code: 0, stdout: 'namespace "shop" deleted\n' });
    expect(kubectl(['get', 'namespace', 'shop']).stderr).toContain('namespaces "shop" not found');
    expect(kubectl(['get', 'deployments,replicasets,pods,events', '-n', 'shop'])).toMatchObject({ code: 0, stdout: '', stderr: 'No resources found in shop namespace.\n' });
    await waitFor('the shop containers removed', () => containers().length === 0, 30_000);
    expect(kubectl(['create', 'configmap', 'late', '-n', 'shop', '--from-literal=a=b']).stderr).toContain('namespaces "shop" not found');
  });
});
