/**
 * Failover time: from an agent process killed with SIGKILL to its Deployment's pods Running on
 * another node, on real containerd and MQTT, with the product's defaults (eviction after 20 s).
 *
 *   npx tsx test/bench/failover.ts --runs 5 [--eviction-timeout 20s]
 *
 * Each run: cordon server-0, start a 2-replica Deployment (so it lands on edge-1), uncordon,
 * SIGKILL edge-1's agent, wait until both pods run on server-0; then bring edge-1 back and clean up.
 * Needs root, containerd, runc and busybox, like the e2e tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { ctr, e2eSkipReason, kedge, startCluster, waitFor, type Cluster, withTestImages } from '../e2e/cluster.js';

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: failover-bench
spec:
  replicas: 2
  selector:
    matchLabels: { app: failover-bench }
  template:
    metadata:
      labels: { app: failover-bench }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: app
          image: busybox:test
          command: ["sh", "-c", "while true; do sleep 1; done"]
          resources:
            requests: { cpu: 10m, memory: 8Mi }
`;

function parseFlags(argv: string[]): { runs: number; evictionTimeout?: string } {
  let runs = 5;
  let evictionTimeout: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--runs') runs = Number(argv[++i]);
    else if (a.startsWith('--runs=')) runs = Number(a.slice(7));
    else if (a === '--eviction-timeout') evictionTimeout = argv[++i];
    else if (a.startsWith('--eviction-timeout=')) evictionTimeout = a.slice(19);
    else throw new Error(`unknown argument ${a}; usage: npx tsx test/bench/failover.ts [--runs N] [--eviction-timeout 20s]`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs: a whole number of at least 1');
  return { runs, evictionTimeout };
}

const log = (m: string) => process.stderr.write(`[failover ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const ready = (n: Node | undefined) => n?.status?.conditions?.find((c) => c.type === 'Ready')?.status;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface RunResult {
  notReadyMs: number;
  evictedMs: number;
  runningMs: number;
}

async function oneRun(c: Cluster, env: Record<string, string>, manifest: string): Promise<RunResult> {
  const pods = async () => (await c.client.list<Pod>('Pod', { namespace: 'default', labelSelector: 'app=failover-bench' })).items;
  const nodeIs = (want: string, timeoutMs = 30_000) => waitFor(`edge-1 ${want}`, async () => ready(await c.client.get<Node>('Node', undefined, 'edge-1').catch(() => undefined)) === want, timeoutMs, 20);

  const edge = c.startAgent('edge-1');
  await nodeIs('True');
  kedge(['cordon', 'server-0'], env);
  kedge(['apply', '-f', manifest], env);
  const before = await waitFor('2 pods Running on edge-1', async () => {
    const ps = await pods();
    return ps.length === 2 && ps.every((p) => p.spec.nodeName === 'edge-1' && p.status?.phase === 'Running') ? ps : undefined;
  }, 60_000);
  kedge(['uncordon', 'server-0'], env);

  const t0 = performance.now();
  edge.child.kill('SIGKILL');
  await nodeIs('Unknown', 10_000);
  const notReadyMs = performance.now() - t0;
  const old = new Set(before.map((p) => p.metadata.uid));
  await waitFor('the pods to be evicted', async () => !(await pods()).some((p) => old.has(p.metadata.uid)), 60_000, 20);
  const evictedMs = performance.now() - t0;
  await waitFor('2 pods Running on server-0', async () => {
    const ps = await pods();
    return ps.length === 2 && ps.every((p) => p.spec.nodeName === 'server-0' && p.status?.phase === 'Running');
  }, 60_000, 20);
  const runningMs = performance.now() - t0;

  // Clean slate for the next run: edge-1 back (it stops its stale containers), the Deployment gone.
  const back = c.startAgent('edge-1');
  await nodeIs('True');
  kedge(['delete', '-f', manifest], env);
  await waitFor('no containers left', () => ctr(c.containerdAddress, ['containers', 'ls', '-q']).trim() === '', 60_000);
  await back.stop();
  await nodeIs('Unknown');
  return { notReadyMs, evictedMs, runningMs };
}

async function main(): Promise<number> {
  const opts = parseFlags(process.argv.slice(2));
  const skip = e2eSkipReason();
  if (skip) {
    log(`cannot run: ${skip}`);
    return 2;
  }
  if (opts.evictionTimeout) process.env.KEDGE_POD_EVICTION_TIMEOUT = opts.evictionTimeout;
  const c = await startCluster({
    prepareAgentDir: withTestImages(),
  });
  const env = { KUBECONFIG: c.kubeconfig };
  const manifest = join(c.dir, 'failover-bench.yaml');
  writeFileSync(manifest, deployment);
  mkdirSync(join(c.dir, 'edge-1'), { recursive: true });
  const results: RunResult[] = [];
  try {
    await waitFor('server-0 Ready', async () => ready(await c.client.get<Node>('Node', undefined, 'server-0').catch(() => undefined)) === 'True', 60_000);
    for (let i = 1; i <= opts.runs; i++) {
      const r = await oneRun(c, env, manifest);
      results.push(r);
      log(`run ${i}/${opts.runs}: NotReady ${(r.notReadyMs / 1000).toFixed(2)} s, evicted ${(r.evictedMs / 1000).toFixed(2)} s, Running elsewhere ${(r.runningMs / 1000).toFixed(2)} s`);
    }
  } finally {
    await c.stop();
  }
  const fmt = (xs: number[]) => `median ${(median(xs) / 1000).toFixed(2)} s, min ${(Math.min(...xs) / 1000).toFixed(2)} s, max ${(Math.max(...xs) / 1000).toFixed(2)} s`;
  process.stdout.write(
    [
      `failover after SIGKILL of an agent, ${results.length} runs, pod eviction timeout ${opts.evictionTimeout ?? '20s (default)'}:`,
      `  node NotReady:               ${fmt(results.map((r) => r.notReadyMs))}`,
      `  pods evicted:                ${fmt(results.map((r) => r.evictedMs))}`,
      `  pods Running on server-0:    ${fmt(results.map((r) => r.runningMs))}`,
      '',
    ].join('\n'),
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`${e.stack ?? e.message}\n`);
    process.exit(1);
  },
);
