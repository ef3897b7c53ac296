/**
 * The pod network on two nodes of a test LAN (each agent in a namespace of its own): pod create →
 * Running on the pod network against hostNetwork pods, interleaved; and a TCP stream from a pod on
 * one node to a pod on the other, through a ClusterIP against straight to the pod IP.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from '../../../shared/pod.js';
import type { Service } from '../../../shared/service.js';
import { supervise } from '../../fixtures/child.js';
import { startTestContainerd } from '../../fixtures/containerd.js';
import { releasePodNamespaces } from '../../fixtures/node-network.js';
import { createLan, lanUnavailable, type LanNode } from '../../fixtures/lan.js';
import type { Scenario } from '../context.js';
import { containerdUnavailable } from '../containerd.js';
import { startServer, waitFor } from '../kedge-process.js';
import { createPod, isRunning, nodeReady, sleeperPod } from '../pods.js';
import { figure } from '../report.js';
import { summarize } from '../stats.js';
import { watchPods } from '../watch.js';

export const podNetworkOverheadTargetMs = 100;
export const clusterIpThroughputTarget = 0.9;
const streamMiB = 256;

export const podNetworkScenario: Scenario = {
  name: 'pod-network',
  title: 'pod network: create → Running against hostNetwork; TCP stream across two nodes through a ClusterIP against pod to pod',
  unavailable: () => containerdUnavailable() ?? lanUnavailable(),
  async run(ctx) {
    const rt = await ctx.mainRuntime();
    const base = join(ctx.workDir, 'pod-network');
    const lan = createLan('bnet', ['bnet-a', 'bnet-b']);
    ctx.scope.defer('test LAN', () => lan.remove());
    ctx.scope.defer('pod namespaces', () => releasePodNamespaces(lan.nodes.map((n) => n.name)));
    const [a, b] = lan.nodes as [LanNode, LanNode];
    const server = await startServer({ runtime: rt, dataDir: join(base, 'server'), disableAgent: true, bindAddress: lan.hostAddress, extraArgs: ['--tls-san', lan.hostAddress] }, ctx.scope);
    const ctrd = await ctx.containerd();
    const containerds = new Map<string, string>();
    for (const n of lan.nodes) {
      const agentDir = join(base, n.name);
      mkdirSync(join(agentDir, 'images'), { recursive: true });
      copyFileSync(ctrd.tarball, join(agentDir, 'images', 'busybox-test.tar'));
      const cd = await startTestContainerd(join(base, `${n.name}-containerd`));
      ctx.scope.defer(`containerd of ${n.name}`, () => cd.cleanup());
      containerds.set(n.name, cd.address);
      const args = [...rt.args, 'agent', '--server', server.url, '--token', server.joinToken, '--node-name', n.name, '--node-ip', n.address, '--data-dir', agentDir, '--containerd-address', cd.address];
      // nsenter, not `ip netns exec`: the pods' namespace mounts must be visible to containerd.
      const proc = supervise(spawn('nsenter', [`--net=/run/netns/${n.ns}`, rt.file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }), { keepBytes: 64 * 1024 });
      ctx.scope.defer(`kedge agent ${n.name}`, () => proc.stop());
    }
    for (const n of lan.nodes) await waitFor(`node ${n.name} Ready`, () => nodeReady(server.client, n.name), 60_000);

    // create → Running, pod network against hostNetwork, on node a.
    const watch = watchPods({ url: server.url, ca: server.ca, token: server.adminToken, labelSelector: 'kedge.io/bench-net=true' });
    ctx.scope.defer('pod watch', () => watch.stop());
    const run = async (name: string, hostNetwork: boolean) => {
      const pod = sleeperPod(name, { nodeName: a.name, labels: { 'kedge.io/bench-net': 'true' } });
      pod.spec.hostNetwork = hostNetwork;
      const t0 = performance.now();
      await createPod(server.client, pod);
      return (await watch.when(name, (p) => isRunning(p) && (hostNetwork || !!p.status?.podIP), 30_000)) - t0;
    };
    await run('warm-net', false);
    await run('warm-host', true);
    const netMs: number[] = [];
    const hostMs: number[] = [];
    for (let i = 0; i < ctx.opts.applyPods; i++) {
      for (const which of i % 2 === 0 ? ['net', 'host'] : ['host', 'net']) {
        if (which === 'net') netMs.push(await run(`net-${i}`, false));
        else hostMs.push(await run(`host-${i}`, true));
      }
    }
    const net = summarize(netMs);
    const host = summarize(hostMs);
    ctx.report(figure('pod-network', 'hostNetwork create → Running, p50', host.p50, 'ms', undefined, `${net.n} pods each, one at a time, interleaved`));
    ctx.report(figure('pod-network', 'pod network create → Running, p50', net.p50, 'ms'));
    ctx.report(figure('pod-network', 'pod network − hostNetwork, p50', net.p50 - host.p50, 'ms', { op: '<=', value: podNetworkOverheadTargetMs }));

    // A stream from node b to node a: through the ClusterIP, then straight to the pod, alternating.
    const sink: Pod = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'stream-sink', namespace: 'default', labels: { app: 'stream-sink' } },
      spec: {
        nodeName: a.name, terminationGracePeriodSeconds: 1,
        containers: [{
          name: 'httpd', image: 'busybox:test',
          command: ['sh', '-c', `dd if=/dev/zero of=/tmp/big bs=1048576 count=${streamMiB} 2>/dev/null; echo ok > /tmp/ready; exec httpd -f -p 80 -h /tmp`],
          readinessProbe: { httpGet: { path: '/ready', port: 80 }, periodSeconds: 1 },
        }],
      },
    };
    await createPod(server.client, sink);
    await server.client.json<Service>('POST', '/api/v1/namespaces/default/services', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'stream-sink', namespace: 'default' },
      spec: { selector: { app: 'stream-sink' }, ports: [{ port: 80, targetPort: 80 }] },
    });
    await createPod(server.client, sleeperPod('stream-client', { nodeName: b.name }));
    const ready = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    const sinkPod = await waitFor('the stream sink Ready', async () => {
      const p = await server.client.json<Pod>('GET', '/api/v1/namespaces/default/pods/stream-sink');
      return ready(p) && p.status?.podIP ? p : undefined;
    }, 120_000);
    const clientPod = await waitFor('the stream client Running', async () => {
      const p = await server.client.json<Pod>('GET', '/api/v1/namespaces/default/pods/stream-client');
      return isRunning(p) ? p : undefined;
    }, 60_000);
    const svc = await server.client.json<Service>('GET', '/api/v1/namespaces/default/services/stream-sink');
    const clientPid = taskPid(containerds.get(b.name)!, clientPod.metadata.uid!);
    // The host's busybox inside the client pod's network namespace: the same path as the pod's own traffic.
    const stream = (ip: string) => {
      const t0 = performance.now();
      const r = spawnSync('nsenter', ['-t', String(clientPid), '-n', 'sh', '-c', `printf 'GET /big HTTP/1.0\\r\\n\\r\\n' | busybox nc ${ip} 80 | wc -c`], { encoding: 'utf8', timeout: 120_000 });
      if (r.status !== 0 || Number(r.stdout.trim()) < streamMiB * 1048576) throw new Error(`a stream from the client pod to ${ip}: ${r.stdout} ${r.stderr || r.error?.message}`);
      return (streamMiB * 8) / ((performance.now() - t0) / 1000);
    };
    await waitFor('the ClusterIP answering', () => {
      try {
        stream(svc.spec!.clusterIP!);
        return true;
      } catch {
        return false;
      }
    }, 30_000);
    const direct: number[] = [];
    const viaService: number[] = [];
    for (let i = 0; i < 5; i++) {
      direct.push(stream(sinkPod.status!.podIP!));
      viaService.push(stream(svc.spec!.clusterIP!));
    }
    const d = summarize(direct);
    const v = summarize(viaService);
    ctx.report(figure('pod-network', 'pod → pod across nodes, median', d.p50, 'Mbit/s', undefined, `${streamMiB} MiB over HTTP, 5 runs each, alternating`));
    ctx.report(figure('pod-network', 'pod → ClusterIP across nodes, median', v.p50, 'Mbit/s'));
    ctx.report(figure('pod-network', 'ClusterIP / direct', v.p50 / d.p50, 'ratio', { op: '>=', value: clusterIpThroughputTarget }));
    return { netMs, hostMs, directMbps: direct, clusterIpMbps: viaService, runtime: rt.name };
  },
};

/** The pid of the pod's first task in containerd (its container ids carry the pod's uid). */
function taskPid(address: string, uid: string): number {
  const out = spawnSync('ctr', ['-a', address, '-n', 'kedge', 'task', 'ls'], { encoding: 'utf8' }).stdout ?? '';
  const line = out.split('\n').find((l) => l.includes(uid.slice(0, 8)) && /RUNNING/.test(l));
  const pid = Number(line?.trim().split(/\s+/)[1]);
  if (!pid) throw new Error(`no running task of pod ${uid} in ${out}`);
  return pid;
}
