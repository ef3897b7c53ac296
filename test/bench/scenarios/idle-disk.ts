/** Bytes an idle server writes to disk with simulated nodes heartbeating, scaled to an hour (SD card wear). */
import { statfsSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from '../../../shared/pod.js';
import type { Scenario } from '../context.js';
import { runPool } from '../http.js';
import { startServer, waitFor, type ServerHandle } from '../kedge-process.js';
import { sleeperPod } from '../pods.js';
import { writeBytes } from '../proc.js';
import { figure } from '../report.js';
import { simNodeName, startFleet } from '../sim/fleet.js';
import { profileSpawn } from './api.js';

export const idleDiskTargetMBPerHour = 1;
const tmpfsMagic = 0x01021994;

async function resourceVersion(server: ServerHandle): Promise<number> {
  const r = await server.client.json<{ metadata: { resourceVersion: string } }>('GET', '/api/v1/namespaces/default/pods?labelSelector=kedge.io%2Fnone%3Dnone');
  return Number(r.metadata.resourceVersion);
}

export const idleDiskScenario: Scenario = {
  name: 'idle-disk',
  title: 'idle server with simulated nodes: bytes written to disk (/proc/PID/io), scaled to an hour',
  async run(ctx) {
    const dataDir = join(ctx.workDir, 'idle-disk', 'server');
    if (statfsSync(ctx.workDir).type === tmpfsMagic) throw new Error(`${ctx.workDir} is on tmpfs, where nothing reaches a disk: point TMPDIR at a disk`);
    const rt = await ctx.mainRuntime();
    const n = ctx.opts.diskNodes;
    const perNode = ctx.opts.fleetPods;
    const server = await startServer({ runtime: rt, dataDir, disableAgent: true, spawn: profileSpawn(ctx, 'idle-disk') }, ctx.scope);
    const fleet = await startFleet({ url: server.url, joinToken: server.joinToken, workDir: ctx.workDir, heartbeatMs: ctx.opts.heartbeatMs, perProcess: ctx.opts.fleetClientsPerProcess, scope: ctx.scope, log: ctx.log });
    fleet.grow(n);
    await waitFor(`${n} simulated nodes connected`, () => {
      const t = fleet.totals();
      return t.connectDone && t.connected >= n;
    }, 120_000, 500);
    const pods: Pod[] = [];
    for (let i = 0; i < n; i++) for (let k = 0; k < perNode; k++) pods.push(sleeperPod(`disk-${i}-${k}`, { nodeName: simNodeName(i) }));
    await runPool(pods.length, 8, async (i) => void (await server.client.json('POST', '/api/v1/namespaces/default/pods', pods[i])));
    await waitFor(`${pods.length} pods Running`, () => fleet.totals().podsRunning >= pods.length, 120_000, 500);
    // Start-up writes (join, pods, first statuses, throttled event flushes, a WAL checkpoint) settle first.
    await new Promise((r) => setTimeout(r, 20_000));

    const seconds = ctx.opts.minutes * 60;
    ctx.log(`measuring ${n} idle nodes with ${perNode} pods each for ${ctx.opts.minutes} min`);
    const w0 = writeBytes(server.proc.pid)!;
    const rv0 = await resourceVersion(server);
    const log0 = server.proc.outputBytes();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const wall = (performance.now() - t0) / 1000;
    const w1 = writeBytes(server.proc.pid)!;
    const rv1 = await resourceVersion(server);
    const log1 = server.proc.outputBytes();
    const perHour = (b: number) => (b / wall) * 3600;
    const mbh = perHour(w1 - w0) / 2 ** 20;
    ctx.report(figure('idle-disk', 'server disk writes', mbh, 'MB/h', { op: '<=', value: idleDiskTargetMBPerHour }, `${w1 - w0} bytes in ${Math.round(wall)} s (/proc/PID/io write_bytes); ${n} simulated nodes, ${pods.length} pods, heartbeats every ${ctx.opts.heartbeatMs / 1000} s; ${rv1 - rv0} store writes`));
    ctx.report(figure('idle-disk', 'server log output', perHour(log1 - log0) / 1024, 'KiB/h', undefined, 'stdout+stderr: what journald or /var/log/kedge.log would add'));
    return { bytesBeforeWindow: w0, bytes: w1 - w0, seconds: wall, storeWrites: rv1 - rv0, logBytes: log1 - log0, nodes: n, pods: pods.length };
  },
};
