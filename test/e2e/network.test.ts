/**
 * The pod network, Services and cluster DNS on two real nodes: each agent in a network namespace of
 * its own on a test LAN (lan.ts), the server on the host end of the LAN, real containerd, real CNI
 * plugins, real nftables. Traffic goes only to addresses inside the LAN and the nodes' namespaces.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../shared/pod.js';
import type { Service } from '../../shared/service.js';
import { supervise } from '../fixtures/child.js';
import { startTestContainerd, type TestContainerd } from '../fixtures/containerd.js';
import { buildTestImage } from '../fixtures/image.js';
import { e2eSkipReason, kedgeBin, tempDir, waitFor, type Proc } from './cluster.js';
import { releasePodNamespaces } from '../fixtures/node-network.js';
import { createLan, lanUnavailable, type Lan, type LanNode } from '../fixtures/lan.js';
import { startServerOnly, type ServerOnly } from './server-only.js';

const kubectlBin = process.env.KUBECTL ?? 'kubectl';
const hasKubectl = spawnSync(kubectlBin, ['version', '--client'], { encoding: 'utf8' }).status === 0;
const skip = lanUnavailable() ?? e2eSkipReason() ?? (hasKubectl ? null : 'no kubectl');

const web = (name: string, node: string, replicas: number) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: web, part: ${name} } }
  template:
    metadata: { labels: { app: web, part: ${name} } }
    spec:
      nodeSelector: { kubernetes.io/hostname: ${node} }
      terminationGracePeriodSeconds: 1
      containers:
        - name: httpd
          image: busybox:test
          env: [{ name: POD, valueFrom: { fieldRef: { fieldPath: metadata.name } } }]
          command: ["sh", "-c", "echo $POD > /tmp/index.html; exec httpd -f -p 80 -h /tmp"]
          ports: [{ name: http, containerPort: 80 }]
          readinessProbe: { httpGet: { path: /index.html, port: http }, periodSeconds: 1 }
---
`;

const manifests = (nodeA: string, nodeB: string) => `${web('web-a', nodeA, 3)}${web('web-b', nodeB, 1)}
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: v1
kind: Service
metadata: { name: web-np }
spec:
  type: NodePort
  selector: { app: web }
  ports: [{ port: 8080, targetPort: 80, nodePort: 30080 }]
---
apiVersion: v1
kind: Service
metadata: { name: web-lb }
spec:
  type: LoadBalancer
  selector: { app: web }
  ports: [{ port: 8081, targetPort: 80 }]
---
apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  nodeName: ${nodeB}
  terminationGracePeriodSeconds: 1
  volumes: [{ name: out, hostPath: { path: /CLIENT_OUT } }]
  containers:
    - name: client
      image: busybox:test
      volumeMounts: [{ name: out, mountPath: /out }]
      # One line per second: who answered http://web/ (or the error), and what DNS said.
      command: ["sh", "-c", "while true; do echo \\"$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | timeout 3 nc web 80 2>&1 | tail -n 1 | head -c 100) | $(nslookup web.default.svc.cluster.local 2>&1 | tr '\\n' ' ' | head -c 300)\\" >> /out/log; sleep 1; done"]
`;

describe.skipIf(skip !== null)(`pod network, Services and DNS on two nodes${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const dir = tempDir('net');
  const clientOut = join(dir, 'client-out');
  let lan: Lan;
  let s: ServerOnly;
  const containerds = new Map<string, TestContainerd>();
  const agents = new Map<string, Proc>();
  const agentArgs = new Map<string, string[]>();
  let nodeA: LanNode;
  let nodeB: LanNode;
  let kubeEnv: Record<string, string>;

  const kubectl = (args: string[], input?: string) => {
    const r = spawnSync(kubectlBin, ['--cache-dir', join(dir, 'kube-cache'), '--server', s.url, ...args], { env: { ...process.env, ...kubeEnv }, encoding: 'utf8', input, timeout: 90_000 });
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  const startAgent = (n: LanNode) => {
    // nsenter, not `ip netns exec`: the pods' namespace mounts must be visible to containerd (same mount namespace).
    const p = supervise(spawn('nsenter', [`--net=/run/netns/${n.ns}`, process.execPath, kedgeBin, 'agent', ...agentArgs.get(n.name)!], { stdio: ['ignore', 'pipe', 'pipe'] }));
    agents.set(n.name, p);
    return p;
  };
  const why = () => [...agents].map(([n, p]) => `\nagent ${n}:\n${p.output().slice(-4000)}`).join('') + `\nserver:\n${s?.proc.output().slice(-3000)}`;
  const clientLines = () => {
    try {
      return readFileSync(join(clientOut, 'log'), 'utf8').trim().split('\n');
    } catch {
      return [];
    }
  };
  /** New lines the client writes from now on, `count` of them. */
  const nextClientLines = async (count: number, timeoutMs = 60_000) => {
    const from = clientLines().length;
    return waitFor(`${count} more client lines`, () => {
      const lines = clientLines();
      return lines.length >= from + count ? lines.slice(from, from + count) : undefined;
    }, timeoutMs, 250);
  };
  const pods = async (selector: string) => (await s.client.list<Pod>('Pod', { namespace: 'default', labelSelector: selector })).items;

  beforeAll(async () => {
    lan = createLan('net', ['net-a', 'net-b']);
    [nodeA, nodeB] = lan.nodes as [LanNode, LanNode];
    s = await startServerOnly(join(dir, 'server'), { host: lan.hostAddress, extra: ['--tls-san', lan.hostAddress] });
    kubeEnv = { KUBECONFIG: join(s.dataDir, 'kedge.yaml') };
    await buildTestImage({ outFile: join(dir, 'image.tar') });
    for (const n of lan.nodes) {
      const agentDir = join(dir, n.name);
      mkdirSync(join(agentDir, 'images'), { recursive: true });
      writeFileSync(join(agentDir, 'images', 'busybox-test.tar'), readFileSync(join(dir, 'image.tar')));
      const cd = await startTestContainerd(join(dir, `${n.name}-containerd`));
      containerds.set(n.name, cd);
      agentArgs.set(n.name, ['--server', s.url, '--token', s.joinToken, '--node-name', n.name, '--node-ip', n.address, '--data-dir', agentDir, '--containerd-address', cd.address]);
      startAgent(n);
    }
    for (const n of lan.nodes) {
      await waitFor(`${n.name} Ready`, async () => {
        const node = await s.client.get<{ status?: { conditions?: { type: string; status: string }[] } }>('Node', undefined, n.name);
        return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      }, 60_000).catch((e) => {
        throw new Error(`${(e as Error).message}${why()}`);
      });
    }
    mkdirSync(clientOut, { recursive: true });
    const r = kubectl(['apply', '-f', '-'], manifests(nodeA.name, nodeB.name).replace('/CLIENT_OUT', clientOut));
    expect(r.code, r.stderr).toBe(0);
  }, 180_000);

  afterAll(async () => {
    for (const a of agents.values()) await a.stop();
    await s?.proc.stop();
    for (const cd of containerds.values()) await cd.cleanup();
    // The agents leave their pods' namespaces, routes and rules behind on purpose (edge autonomy).
    releasePodNamespaces(lan?.nodes.map((n) => n.name) ?? []);
    lan?.remove();
    if (!process.env.KEEP_E2E) rmSync(dir, { recursive: true, force: true });
  });

  it('three replicas listening on port 80 share one node, each Ready with an IP of its own', async () => {
    const ready = await waitFor('4 web pods Ready', async () => {
      const list = await pods('app=web');
      const ok = list.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && p.status?.podIP);
      return ok.length === 4 ? ok : undefined;
    }, 90_000).catch((e) => {
      throw new Error(`${(e as Error).message}${why()}`);
    });
    const onA = ready.filter((p) => p.spec.nodeName === nodeA.name);
    expect(onA).toHaveLength(3);
    const ips = new Set(ready.map((p) => p.status!.podIP));
    expect(ips.size).toBe(4);
    for (const ip of ips) expect(ip).toMatch(/^10\.42\./);
    const wide = kubectl(['get', 'pods', '-o', 'wide', '-l', 'app=web']);
    for (const ip of ips) expect(wide.stdout).toContain(ip!);
  });

  it('a client on the other node reaches http://web/ by name and is answered by pods on both nodes', async () => {
    const names = new Map((await pods('app=web')).map((p) => [p.metadata.name!, p.spec.nodeName!]));
    const lines = await nextClientLines(20).catch((e) => {
      throw new Error(`${(e as Error).message}\nclient log:\n${clientLines().slice(-10).join('\n')}${why()}`);
    });
    const answered = lines.map((l) => l.split(' | ')[0]!.trim());
    const nodes = new Set(answered.map((a) => names.get(a)).filter(Boolean));
    expect([...nodes].sort(), lines.join('\n')).toEqual([nodeA.name, nodeB.name].sort());
    const svc = await s.client.get<Service>('Service', 'default', 'web');
    expect(lines.some((l) => l.includes(svc.spec!.clusterIP!)), `nslookup answers the ClusterIP\n${lines.join('\n')}`).toBe(true);
    const fqdn = kubectl(['exec', 'client', '--', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | timeout 5 nc web.default.svc.cluster.local 80 | tail -n 1`]);
    expect(fqdn.code, fqdn.stderr).toBe(0);
    expect(names.has(fqdn.stdout.trim()), fqdn.stdout).toBe(true);
  });

  it('NodePort and LoadBalancer answer on each node address', async () => {
    for (const n of lan.nodes) {
      for (const port of [30080, 8081]) {
        const body = await fetchFrom(`http://${n.address}:${port}/`);
        expect(body.trim(), `${n.address}:${port}`).toMatch(/^web-[ab]-/);
      }
    }
    const lb = await s.client.get<Service>('Service', 'default', 'web-lb');
    expect(lb.status?.loadBalancer?.ingress?.map((i) => i.ip).sort()).toEqual(lan.nodes.map((n) => n.address).sort());
  });

  it('scaled to 0, the Service refuses at once', async () => {
    expect(kubectl(['scale', 'deploy/web-a', 'deploy/web-b', '--replicas=0']).code).toBe(0);
    await waitFor('no web pods', async () => (await pods('app=web')).length === 0, 60_000);
    const started = Date.now();
    // By address: this is about the refusal, not the name (a lost DNS datagram costs glibc a 5 s retry).
    const ip = (await s.client.get<Service>('Service', 'default', 'web')).spec!.clusterIP!;
    const r = kubectl(['exec', 'client', '--', 'sh', '-c', `timeout 5 nc ${ip} 80 </dev/null`]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr + why()).toMatch(/refused/i);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(kubectl(['scale', 'deploy/web-a', 'deploy/web-b', '--replicas=1']).code).toBe(0);
    await waitFor('web pods Ready again', async () => {
      const list = await pods('app=web');
      return list.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length === 2;
    }, 60_000);
    await waitFor('the client answered again', async () => (await nextClientLines(1)).some((l) => /^web-/.test(l)), 30_000);
  });

  it('with the server stopped, names still resolve and the Service still answers; also after the agent restarts', async () => {
    await s.proc.stop();
    const check = async (what: string) => {
      const lines = await nextClientLines(5).catch((e) => {
        throw new Error(`${what}: ${(e as Error).message}${why()}`);
      });
      expect(lines.filter((l) => /^web-[ab]-/.test(l)).length, `${what}\n${lines.join('\n')}`).toBeGreaterThanOrEqual(4);
      const lookup = lan.exec(nodeB, ['nslookup', 'web.default.svc.cluster.local', '10.43.0.10']);
      expect(lookup.stdout, `${what}: nslookup from the node`).toMatch(/Address:?\s+10\.43\./);
    };
    await check('server stopped');
    await agents.get(nodeB.name)!.stop();
    startAgent(nodeB);
    await new Promise((r) => setTimeout(r, 2000));
    await check('server stopped, agent restarted');
    await s.restart();
  });

  it('a packet to an unused address of the cluster or service range is rejected on the node, never sent by the default route', () => {
    const before42 = lan.sinkPackets('10.42.0.0/16');
    const before43 = lan.sinkPackets('10.43.0.0/16');
    for (const n of lan.nodes) {
      const p = lan.exec(n, ['busybox', 'ping', '-c', '2', '-W', '1', '10.42.250.7']);
      expect(p.code).not.toBe(0);
      const w = lan.exec(n, ['timeout', '5', 'busybox', 'nc', '10.43.250.250', '80'], 10_000);
      expect(w.code).not.toBe(0);
    }
    expect(lan.sinkPackets('10.42.0.0/16')).toBe(before42);
    expect(lan.sinkPackets('10.43.0.0/16')).toBe(before43);
    // The sink does count what it is sent: the check above can fail.
    lan.exec(nodeA, ['ip', 'route', 'add', '10.99.0.0/16', 'via', lan.sink.address]);
    lan.exec(nodeA, ['busybox', 'ping', '-c', '1', '-W', '1', '10.99.0.1']);
    expect(lan.sinkPackets('10.0.0.0/8')).toBeGreaterThan(0);
  });
});

/** An HTTP GET from the host to an address on the test LAN. */
async function fetchFrom(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return res.text();
}
