import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints } from '../../shared/endpoints.js';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import type { Service } from '../../shared/service.js';
import { e2eSkipReason, kedge, startCluster, waitFor, withTestImages, type Cluster } from './cluster.js';

const kubectlBin = process.env.KUBECTL ?? 'kubectl';
const hasKubectl = spawnSync(kubectlBin, ['version', '--client'], { encoding: 'utf8' }).status === 0;
const skip = e2eSkipReason() ?? (hasKubectl ? null : `no kubectl binary (${kubectlBin}); install kubectl or set KUBECTL`);

/**
 * A Deployment whose pod turns unready when /tmp/ready stops saying ok, and a Service reaching its named
 * port. Host networking: the Service machinery needs only the pod's reported address, and no
 * traffic is sent to it.
 */
const manifest = `
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
      hostNetwork: true
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: busybox:test
          command: ["sh", "-c", "echo ok > /tmp/ready; while true; do sleep 1; done"]
          ports:
            - { name: http, containerPort: 18080 }
          readinessProbe:
            exec: { command: ["sh", "-c", 'read x < /tmp/ready; [ "$x" = ok ]'] }
            periodSeconds: 1
            failureThreshold: 1
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports:
    - { name: http, port: 80, targetPort: http }
`;

describe.skipIf(skip !== null)(`Services with kubectl${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let c: Cluster;
  let env: Record<string, string>;

  const kubectl = (args: string[]) => {
    const r = spawnSync(kubectlBin, ['--cache-dir', join(c.dir, 'kube-cache'), ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const readyPod = async () => {
    const pods = (await c.client.list<Pod>('Pod', { namespace: 'default', labelSelector: 'app=web' })).items;
    return pods.find((p) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') && p.status.podIP);
  };
  const endpoints = () => c.client.get<Endpoints>('Endpoints', 'default', 'web').catch(() => undefined);
  const diagnose = (e: unknown) => new Error(`${(e as Error).message}\nserver output:\n${c.server.output().slice(-3000)}`);

  beforeAll(async () => {
    c = await startCluster({ prepareAgentDir: withTestImages() });
    env = { KUBECONFIG: c.kubeconfig };
    await c.nodeReady('server-0');
  });

  afterAll(async () => {
    await c?.stop();
  });

  it('the node got a pod range, and the kubernetes Service points at the API', async () => {
    const node = await waitFor('a pod range on server-0', async () => (await c.client.get<Node>('Node', undefined, 'server-0')).spec?.podCIDR ? true : undefined, 10_000);
    expect(node).toBe(true);
    const n = await c.client.get<Node>('Node', undefined, 'server-0');
    expect(n.spec).toMatchObject({ podCIDR: '10.42.0.0/24', podCIDRs: ['10.42.0.0/24'] });
    const svc = await c.client.get<Service>('Service', 'default', 'kubernetes');
    expect(svc.spec).toMatchObject({ clusterIP: '10.43.0.1', ports: [{ name: 'https', port: 443, targetPort: c.httpsPort }] });
    const ep = await c.client.get<Endpoints>('Endpoints', 'default', 'kubernetes');
    expect(ep.subsets).toEqual([{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: c.httpsPort, protocol: 'TCP' }] }]);
  });

  it('kubectl apply of a Deployment and a Service; kubectl get svc,ep,endpointslices shows them as Kubernetes does', async () => {
    const file = join(c.dir, 'web.yaml');
    writeFileSync(file, manifest);
    const r = kubectl(['apply', '-f', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('deployment.apps/web created\nservice/web created\n');
    const pod = await waitFor('the web pod Ready with an address', readyPod, 60_000).catch((e) => {
      throw diagnose(e);
    });
    const ip = pod.status!.podIP!;
    await waitFor('the pod among the ready endpoints', async () => ((await endpoints())?.subsets?.[0]?.addresses?.[0]?.ip === ip ? true : undefined), 10_000);

    const svc = await c.client.get<Service>('Service', 'default', 'web');
    const out = kubectl(['get', 'svc,ep,endpointslices']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\n/);
    expect(out.stdout).toMatch(/\nservice\/kubernetes\s+ClusterIP\s+10\.43\.0\.1\s+<none>\s+443\/TCP\s+\S+\n/);
    expect(out.stdout).toMatch(new RegExp(`\\nservice/web\\s+ClusterIP\\s+${svc.spec!.clusterIP!.replaceAll('.', '\\.')}\\s+<none>\\s+80/TCP\\s+\\S+\\n`));
    expect(out.stdout).toMatch(/\nNAME\s+ENDPOINTS\s+AGE\n/);
    expect(out.stdout).toContain(`endpoints/web`);
    expect(out.stdout).toMatch(new RegExp(`endpoints/web\\s+${ip.replaceAll('.', '\\.')}:18080\\s`));
    expect(out.stdout).toMatch(/\nNAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE\n/);
    expect(out.stdout).toMatch(new RegExp(`endpointslice\\.discovery\\.k8s\\.io/web-[a-z0-9]{5}\\s+IPv4\\s+18080\\s+${ip.replaceAll('.', '\\.')}\\s`));
    expect(kubectl(['get', 'svc', '-o', 'wide']).stdout).toMatch(/\nweb\s+ClusterIP\s+\S+\s+<none>\s+80\/TCP\s+\S+\s+app=web\n/);
    const mine = kedge(['get', 'svc'], env).stdout;
    expect(mine).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\n/);
    expect(mine).toMatch(/\nweb\s+ClusterIP\s+10\.43\.\d+\.\d+\s+<none>\s+80\/TCP\s/);
    // Applying the same manifest again keeps what was allocated.
    expect(kubectl(['apply', '-f', file]).stdout).toBe('deployment.apps/web unchanged\nservice/web unchanged\n');
    expect((await c.client.get<Service>('Service', 'default', 'web')).spec?.clusterIP).toBe(svc.spec?.clusterIP);
  });

  it('a pod failing its readiness probe leaves the ready endpoints within a second of turning unready, and comes back', async () => {
    const pod = (await readyPod())!;
    const name = pod.metadata.name!;
    const podReady = async () => (await c.client.get<Pod>('Pod', 'default', name)).status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True';
    const inReady = async () => !!(await endpoints())?.subsets?.some((s) => s.addresses?.length);
    /** Polls both until the Endpoints agree with `ready`; answers how long they lagged behind the pod's Ready condition. */
    const lag = async (ready: boolean) => {
      let podAt: number | undefined;
      return waitFor(`endpoints to follow Ready=${ready}`, async () => {
        const [p, e] = await Promise.all([podReady(), inReady()]);
        const now = Date.now();
        if (p === ready) podAt ??= now;
        return podAt !== undefined && e === ready ? { ms: now - podAt } : undefined;
      }, 15_000, 50).then((r) => r.ms);
    };
    expect(kedge(['exec', name, '--', 'sh', '-c', 'echo no > /tmp/ready'], env).code).toBe(0);
    expect(await lag(false)).toBeLessThan(1000);
    expect((await endpoints())?.subsets?.[0]?.notReadyAddresses?.[0]?.targetRef?.name).toBe(name);
    expect(kedge(['exec', name, '--', 'sh', '-c', 'echo ok > /tmp/ready'], env).code).toBe(0);
    expect(await lag(true)).toBeLessThan(1000);
  });

  it('kubectl expose makes a NodePort Service; a taken ClusterIP is refused naming the field', async () => {
    const r = kubectl(['expose', 'deployment', 'web', '--name', 'web-np', '--port', '8080', '--target-port', 'http', '--type', 'NodePort']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('service/web-np exposed\n');
    const svc = await c.client.get<Service>('Service', 'default', 'web-np');
    const nodePort = svc.spec!.ports![0]!.nodePort!;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(kubectl(['get', 'svc', 'web-np']).stdout).toMatch(new RegExp(`\\nweb-np\\s+NodePort\\s+\\S+\\s+<none>\\s+8080:${nodePort}/TCP\\s`));

    const webIP = (await c.client.get<Service>('Service', 'default', 'web')).spec!.clusterIP!;
    const dup = kubectl(['create', 'service', 'clusterip', 'dup', '--tcp=80:80', `--clusterip=${webIP}`]);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain(`spec.clusterIP: Invalid value: "${webIP}": provided IP is already allocated`);
    const taken = kubectl(['create', 'service', 'nodeport', 'dup', '--tcp=80:80', `--node-port=${nodePort}`]);
    expect(taken.stderr).toContain(`spec.ports[0].nodePort: Invalid value: ${nodePort}: provided port is already allocated`);
  });

  it('kubectl describe svc shows the Service and its endpoints', () => {
    const r = kubectl(['describe', 'svc', 'web']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+web\n/);
    expect(r.stdout).toMatch(/\nType:\s+ClusterIP\n/);
    expect(r.stdout).toMatch(/\nIP:\s+10\.43\.\d+\.\d+\n/);
    expect(r.stdout).toMatch(/\nSelector:\s+app=web\n/);
    expect(r.stdout).toMatch(/\nPort:\s+http\s+80\/TCP\n/);
    expect(r.stdout).toMatch(/\nTargetPort:\s+http\/TCP\n/);
    expect(r.stdout).toMatch(/\nEndpoints:\s+\d+\.\d+\.\d+\.\d+:18080\n/);
  });

  it('kubectl cluster-info names the control plane and exits 0', () => {
    const r = kubectl(['cluster-info']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Kubernetes control plane`);
    expect(r.stdout).toContain(`https://127.0.0.1:${c.httpsPort}`);
  });

  it('deleting a Service removes its endpoints and frees its ClusterIP and NodePort', async () => {
    const svc = await c.client.get<Service>('Service', 'default', 'web-np');
    expect(kubectl(['delete', 'svc', 'web-np']).stdout).toBe('service "web-np" deleted\n');
    await waitFor('the endpoints of web-np gone', async () => ((await c.client.get('Endpoints', 'default', 'web-np').catch(() => undefined)) ? undefined : true), 10_000);
    await waitFor('the slices of web-np gone', async () => ((await c.client.list('EndpointSlice', { namespace: 'default', labelSelector: 'kubernetes.io/service-name=web-np' })).items.length ? undefined : true), 10_000);
    const port = kubectl(['create', 'service', 'nodeport', 'reuse-port', '--tcp=80:80', `--node-port=${svc.spec!.ports![0]!.nodePort}`]);
    expect(port.stderr).toBe('');
    expect(port.stdout).toBe('service/reuse-port created\n');
    const ip = kubectl(['create', 'service', 'clusterip', 'reuse-ip', '--tcp=80:80', `--clusterip=${svc.spec!.clusterIP}`]);
    expect(ip.stderr).toBe('');
    expect(ip.stdout).toBe('service/reuse-ip created\n');
  });
});
