/**
 * N simulated agents (real MQTT clients over TLS, real credentials from the real join endpoint, in
 * child processes) with pods bound to them; the server is measured while they heartbeat and
 * report container restarts. Sizes are grown in one run: 1,000 nodes, then 5,000.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isNodeReady, type Node } from '../../../shared/node.js';
import type { Pod } from '../../../shared/pod.js';
import type { BenchContext, Scenario } from '../context.js';
import { runPool } from '../http.js';
import { startServer, waitFor, type ServerHandle } from '../kedge-process.js';
import { sleeperPod } from '../pods.js';
import { MB, cpuTimes, rssBytes, sampleRss } from '../proc.js';
import { figure } from '../report.js';
import { startFleet, simNodeName, type Fleet } from '../sim/fleet.js';
import { Samples, summarize } from '../stats.js';
import { watchPods } from '../watch.js';
import { profileSpawn } from './api.js';
import { probeApi } from './fleet-probe.js';

export const fleetRssTargetMB = 400;
export const fleetRssTargetAt = 5000;
export const lagTargetMs = 1000;
export const fleetApiTargetMs = 100;
const fleetLabel = 'kedge.io/bench-fleet';

async function currentResourceVersion(server: ServerHandle): Promise<string> {
  const r = await server.client.json<{ metadata: { resourceVersion: string } }>('GET', '/api/v1/namespaces/default/pods?labelSelector=kedge.io%2Fnone%3Dnone');
  return r.metadata.resourceVersion;
}

async function readyNodes(server: ServerHandle): Promise<number> {
  const r = await server.client.json<{ items: Node[] }>('GET', '/api/v1/nodes?labelSelector=kedge.io%2Fsimulated%3Dtrue');
  return r.items.filter(isNodeReady).length;
}

async function phase<T>(ctx: BenchContext, name: string, deadline: number, progress: () => string, fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const left = deadline - Date.now();
  if (left <= 0) throw new Error(`setup deadline passed before "${name}"`);
  let timer: NodeJS.Timeout | undefined;
  const ticker = setInterval(() => ctx.log(`${name}: ${Math.round((performance.now() - t0) / 1000)} s, ${progress()}`), 30_000);
  try {
    const value = await Promise.race([fn(), new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`"${name}" did not finish within the setup deadline`)), left)))]);
    const seconds = (performance.now() - t0) / 1000;
    ctx.log(`${name}: ${seconds.toFixed(1)} s`);
    return { value, seconds };
  } finally {
    clearTimeout(timer);
    clearInterval(ticker);
  }
}

export const fleetScenario: Scenario = {
  name: 'fleet',
  title: 'N simulated agents (MQTT/TLS, real join) with pods: server RSS, status lag, API latency',
  async run(ctx) {
    const rt = await ctx.mainRuntime();
    const sizes = ctx.opts.fleet;
    const perNode = ctx.opts.fleetPods;
    const spawnOpts = profileSpawn(ctx, 'fleet') ?? { nodeArgs: [] };
    mkdirSync(join(ctx.resultsDir, 'profiles'), { recursive: true });
    if (ctx.opts.heapSnapshot) spawnOpts.nodeArgs.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${join(ctx.resultsDir, 'profiles')}`);
    const server = await startServer({ runtime: rt, dataDir: join(ctx.workDir, 'fleet', 'server'), disableAgent: true, spawn: spawnOpts }, ctx.scope);

    // Every fleet pod change reaches the bench through a watch: Running counts and restart lags.
    let measuring = false;
    const lags = new Samples();
    const running = new Set<string>();
    const watch = watchPods({
      url: server.url, ca: server.ca, token: server.adminToken, labelSelector: `${fleetLabel}=true`, resourceVersion: await currentResourceVersion(server),
      onEvent(type, pod: Pod) {
        if (type !== 'MODIFIED' && type !== 'ADDED') return;
        if (pod.status?.phase === 'Running') running.add(pod.metadata.name!);
        const cs = pod.status?.containerStatuses?.[0];
        if (measuring && cs && cs.restartCount > 0 && cs.state.running?.startedAt) lags.add(Date.now() - Date.parse(cs.state.running.startedAt));
      },
    });
    ctx.scope.defer('fleet watch', () => watch.stop());

    const fleet: Fleet = await startFleet({ url: server.url, joinToken: server.joinToken, workDir: ctx.workDir, heartbeatMs: ctx.opts.heartbeatMs, perProcess: ctx.opts.fleetClientsPerProcess, scope: ctx.scope, log: ctx.log });
    const details: Record<string, unknown> = {};
    let created = 0;
    const status = () => {
      const t = fleet.totals();
      return `joined ${t.joined} (${t.joinFailed} failed), connected ${t.connected}, pods created ${created}, Running ${running.size}, server RSS ${Math.round((rssBytes(server.proc.pid) ?? 0) / MB)} MB`;
    };
    let prev = 0;
    for (const n of sizes) {
      const d: Record<string, unknown> = {};
      details[String(n)] = d;
      const deadline = Date.now() + ctx.opts.fleetSetupMinutes * 60_000;
      try {
        const joinedBefore = fleet.joinLatencies().length;
        const joined = await phase(ctx, `${n}: join and connect ${n - prev} nodes`, deadline, status, async () => {
          fleet.grow(n);
          return waitFor('simulated nodes joined and connected', () => {
            const t = fleet.totals();
            return t.joinDone && t.connectDone && t.joined + t.joinFailed >= n ? t : undefined;
          }, 24 * 3600_000, 1000);
        });
        const joinMs = summarize(fleet.joinLatencies().slice(joinedBefore));
        d.join = { seconds: joined.seconds, latencyMs: joinMs, totals: joined.value };
        ctx.report(figure('fleet', `${n} nodes: join+connect ${n - prev} nodes`, joined.seconds, 's', undefined, `${((n - prev) / joined.seconds).toFixed(1)} joins/s; join p50 ${Math.round(joinMs.p50)} ms (password hash per node); ${joined.value.joinFailed} join and ${joined.value.connectFailed} connect failures; ${fleet.processes()} child processes`));
        if (joined.value.joined < n) throw new Error(`only ${joined.value.joined} of ${n} nodes joined: ${joined.value.lastError ?? ''}`);

        const ready = await phase(ctx, `${n}: nodes Ready`, deadline, status, () => waitFor(`${n} nodes Ready`, async () => (await readyNodes(server)) >= n, 24 * 3600_000, 3000));
        d.readySeconds = ready.seconds;

        const pods = await phase(ctx, `${n}: create ${(n - prev) * perNode} pods`, deadline, status, async () => {
          const lat: number[] = [];
          const names: { pod: Pod }[] = [];
          for (let i = prev; i < n; i++) for (let k = 0; k < perNode; k++) names.push({ pod: sleeperPod(`f-${i}-${k}`, { nodeName: simNodeName(i), labels: { [fleetLabel]: 'true' } }) });
          await runPool(names.length, 16, async (i) => {
            const r = await server.client.request('POST', '/api/v1/namespaces/default/pods', names[i]!.pod);
            if (r.status >= 300) throw new Error(`creating ${names[i]!.pod.metadata.name}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
            lat.push(r.ms);
            created++;
          });
          return summarize(lat);
        });
        d.create = { seconds: pods.seconds, latencyMs: pods.value };
        ctx.report(figure('fleet', `${n} nodes: create ${(n - prev) * perNode} pods`, pods.seconds, 's', undefined, `${(((n - prev) * perNode) / pods.seconds).toFixed(0)} creates/s, p99 ${Math.round(pods.value.p99)} ms (16 clients, spec.nodeName set)`));

        const run = await phase(ctx, `${n}: all ${created} pods Running`, deadline, status, () => waitFor(`${created} pods Running`, () => running.size >= created, 24 * 3600_000, 1000));
        d.allRunningSeconds = run.seconds;
        ctx.report(figure('fleet', `${n} nodes: last pod Running after creates`, run.seconds, 's', undefined, `${created} pods; the simulated agents answer each desired state with Running at once`));
      } catch (e) {
        d.setupError = (e as Error).message;
        ctx.report(figure('fleet', `${n} nodes: setup`, null, '', undefined, `not finished: ${(e as Error).message}; progress ${JSON.stringify({ ...fleet.totals(), childRssMB: undefined })}, pods created ${created}, Running ${running.size}`));
        break;
      }
      prev = n;

      await new Promise((r) => setTimeout(r, 10_000));
      ctx.log(`${n}: measuring for ${ctx.opts.fleetSeconds} s`);
      const rss = sampleRss(server.proc.pid, 1000);
      const cpu0 = cpuTimes(server.proc.pid)!;
      lags.reset();
      measuring = true;
      fleet.changes(ctx.opts.changesPerSecond);
      const t0 = performance.now();
      const api = await probeApi(server, { seconds: ctx.opts.fleetSeconds, nodes: n, perNode });
      fleet.changes(0);
      const wall = (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 2000)); // the last changes' lags
      measuring = false;
      const cpu1 = cpuTimes(server.proc.pid)!;
      const rssMB = rss.stop().map((b) => b / MB);
      const r = summarize(rssMB);
      const l = lags.summary();
      const totals = fleet.totals();
      const rssTarget = n >= fleetRssTargetAt ? { op: '<=' as const, value: fleetRssTargetMB } : undefined;
      ctx.report(figure('fleet', `${n} nodes: server RSS max`, r.max, 'MB', rssTarget, `median ${Math.round(r.p50)} MB; server CPU ${(((cpu1.self - cpu0.self) / wall) * 100).toFixed(0)} % of a core; ${n * perNode} pods, heartbeats every ${ctx.opts.heartbeatMs / 1000} s`));
      ctx.report(figure('fleet', `${n} nodes: status lag p50`, l.p50, 'ms', undefined, `${l.n} restarts reported at ${ctx.opts.changesPerSecond}/s; lag = node publishes the change → bench sees it in an API watch`));
      ctx.report(figure('fleet', `${n} nodes: status lag p99`, l.p99, 'ms', { op: '<=', value: lagTargetMs }, `max ${Math.round(l.max)} ms`));
      ctx.report(figure('fleet', `${n} nodes: API p99 during the fleet`, api.all.p99, 'ms', { op: '<=', value: fleetApiTargetMs }, `${api.all.n} requests, p50 ${Math.round(api.all.p50)} ms, max ${Math.round(api.all.max)} ms; p99 by request: ${Object.entries(api.byOp).map(([k, v]) => `${k} ${Math.round(v.p99)} ms`).join(', ')}`));
      const mem = await serverMemory(server);
      ctx.report(figure('fleet', `${n} nodes: where the server's memory is`, mem.rssMB, 'MB', undefined, mem.text));
      Object.assign(d, { memory: mem, rssMB: r, lagMs: l, api, cpuSeconds: cpu1.self - cpu0.self, wallSeconds: wall, simChildRssMB: totals.childRssMB, simErrors: totals.errors, simLastError: totals.lastError });
      if (ctx.opts.heapSnapshot && n === sizes.at(-1)) d.heapSnapshot = await heapSnapshot(ctx, server);
    }
    writeFileSync(join(ctx.resultsDir, 'fleet-server-tail.log'), server.proc.output().slice(-20000));
    return details;
  },
};

/** The server's own account of its memory (GET /metrics), to say what an RSS figure is made of. */
async function serverMemory(server: ServerHandle) {
  const r = await server.client.request('GET', '/metrics');
  const v = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(r.text)?.[1] ?? NaN) / MB;
  const m = {
    rssMB: v('process_resident_memory_bytes'),
    anonMB: v('kedge_process_resident_anon_bytes'),
    fileMB: v('kedge_process_resident_file_bytes'),
    heapUsedMB: v('nodejs_heap_size_used_bytes'),
    heapTotalMB: v('nodejs_heap_size_total_bytes'),
    arrayBuffersMB: v('kedge_nodejs_array_buffers_bytes'),
    connected: v('kedge_mqtt_connected_nodes') * MB,
  };
  // What is anonymous but neither V8's heap nor buffers: malloc'd native state (OpenSSL per TLS connection, SQLite).
  const nativeMB = m.anonMB - m.heapTotalMB - m.arrayBuffersMB;
  const f = (x: number) => Math.round(x);
  return {
    ...m,
    nativeMB,
    text: `file-backed ${f(m.fileMB)} MB (the executable); V8 heap ${f(m.heapUsedMB)} MB used of ${f(m.heapTotalMB)} MB committed; buffers ${f(m.arrayBuffersMB)} MB; other native ${f(nativeMB)} MB (OpenSSL state of ${m.connected} TLS connections, SQLite, libuv) = ${f(nativeMB / Math.max(1, m.connected) * 1024)} KB per connection`,
  };
}

/** SIGUSR2 makes the server (started with --heapsnapshot-signal) write a snapshot into the profiles dir. */
async function heapSnapshot(ctx: BenchContext, server: ServerHandle): Promise<string> {
  const { readdirSync, statSync } = await import('node:fs');
  const dir = join(ctx.resultsDir, 'profiles');
  const before = new Set(readdirSync(dir));
  process.kill(server.proc.pid, 'SIGUSR2');
  const file = await waitFor('the heap snapshot', () => readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f)), 120_000, 1000);
  // The file appears at once and grows while the server writes it.
  let size = -1;
  await waitFor('the heap snapshot to be complete', () => {
    const now = statSync(join(dir, file)).size;
    const stable = now === size && now > 0;
    size = now;
    return stable;
  }, 300_000, 2000);
  ctx.log(`heap snapshot: ${join(dir, file)}`);
  return join(dir, file);
}
