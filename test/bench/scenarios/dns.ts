/**
 * The agent's cluster DNS under the load of a busy pod: Service names at a steady rate over UDP,
 * latency seen by the client, CPU of the DNS process from /proc. The server runs bundled in a child
 * (as the agent runs it); the client here paces its queries with a 1 ms timer.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { decode, encode } from 'dns-packet';
import { bundleModule } from '../bundled.js';
import type { BenchContext, Scenario } from '../context.js';
import { cpuTimes, MB, rssBytes } from '../proc.js';
import { figure } from '../report.js';
import { Samples } from '../stats.js';
import { benchNamespace } from './dns-workload.js';

export const dnsP99TargetMs = 2;
export const dnsCpuTargetPercent = 5;

interface Load {
  latencies: Samples;
  sent: number;
  answered: number;
  wrong: number;
}

/** Sends `rate` queries a second for `seconds` and waits for the stragglers; a query unanswered after 1 s is lost. */
async function drive(port: number, rate: number, seconds: number, services: number): Promise<Load> {
  const socket = createSocket('udp4');
  const load: Load = { latencies: new Samples(), sent: 0, answered: 0, wrong: 0 };
  const waiting = new Map<number, number>();
  socket.on('message', (msg) => {
    const at = performance.now();
    const r = decode(msg);
    const t = waiting.get(r.id!);
    if (t === undefined) return;
    waiting.delete(r.id!);
    load.answered++;
    if (r.answers?.length !== 1) load.wrong++;
    load.latencies.add(at - t);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const t0 = performance.now();
  let id = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const elapsed = performance.now() - t0;
      const due = Math.min(Math.floor((elapsed / 1000) * rate), rate * seconds);
      while (load.sent < due) {
        id = (id + 1) & 0xffff;
        const name = `svc-${Math.floor(Math.random() * services)}.${benchNamespace}.svc.cluster.local`;
        waiting.set(id, performance.now());
        socket.send(encode({ id, type: 'query', flags: 1 << 8, questions: [{ name, type: 'A', class: 'IN' }] }), port, '127.0.0.1');
        load.sent++;
      }
      if (load.sent >= rate * seconds) return done();
      setTimeout(tick, 1);
    };
    tick();
  });
  await new Promise((r) => setTimeout(r, 1000));
  socket.close();
  return load;
}

async function startChild(ctx: BenchContext, file: string, args: string[]): Promise<{ pid: number; port: number }> {
  const child = spawn(process.execPath, [file, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  ctx.scope.defer(`dns child ${args[0]}`, () => {
    child.stdin.end();
    child.kill();
  });
  const first = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`dns child (${args[0]}) exited with ${code} before listening`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  return { pid: child.pid!, port: (JSON.parse(first) as { port: number }).port };
}

/** A 2 s warm-up, then the window measured: client latencies and the server process's CPU share. */
async function measure(ctx: BenchContext, file: string, args: string[], services: number) {
  const { dnsQps: rate, dnsSeconds: seconds } = ctx.opts;
  const { pid, port } = await startChild(ctx, file, args);
  await drive(port, rate, 2, services);
  const cpu0 = cpuTimes(pid)!;
  const w0 = performance.now();
  const load = await drive(port, rate, seconds, services);
  // The window ends with the last answer: the 1 s wait for stragglers is idle and not counted.
  const wall = (performance.now() - w0) / 1000 - 1;
  const cpuSeconds = cpuTimes(pid)!.self - cpu0.self;
  return { load, latency: load.latencies.summary(), wall, cpuSeconds, cpuPercent: (100 * cpuSeconds) / wall, rssMB: (rssBytes(pid) ?? NaN) / MB };
}

export const dnsScenario: Scenario = {
  name: 'dns',
  title: 'cluster DNS: Service names at a steady rate over UDP (loopback), client latency and DNS CPU',
  async run(ctx) {
    const { dnsQps: rate, dnsSeconds: seconds } = ctx.opts;
    const services = 1000;
    const endpoints = 10;
    const file = await bundleModule(join(import.meta.dirname, 'dns-child.ts'), join(ctx.workDir, 'dns'));
    ctx.log(`${services} Services × ${endpoints} endpoints; ${rate} queries/s for ${seconds} s after a 2 s warm-up, then a bare UDP echo the same way`);
    const dns = await measure(ctx, file, ['dns', String(services), String(endpoints)], services);
    const echo = await measure(ctx, file, ['echo'], services);
    const lost = dns.load.sent - dns.load.answered;
    const size = `${dns.load.sent} queries, ${services} Services × ${endpoints} endpoints`;
    ctx.report(figure('dns', 'latency p50', dns.latency.p50, 'ms', undefined, size));
    ctx.report(figure('dns', 'latency p99', dns.latency.p99, 'ms', { op: '<=', value: dnsP99TargetMs }, `max ${dns.latency.max.toFixed(2)} ms; ${lost} lost, ${dns.load.wrong} wrong`));
    ctx.report(figure('dns', `CPU at ${rate} queries/s`, dns.cpuPercent, '% core', { op: '<=', value: dnsCpuTargetPercent }, `${dns.cpuSeconds.toFixed(2)} s CPU in ${dns.wall.toFixed(1)} s, the bundled DNS process alone`));
    ctx.report(figure('dns', 'RSS of the DNS process', dns.rssMB, 'MB', undefined, 'node, dns-packet and the index; in the agent it shares the process'));
    ctx.report(figure('dns', 'bare UDP echo: latency p99', echo.latency.p99, 'ms', undefined, `p50 ${echo.latency.p50.toFixed(2)} ms: the same client against a node process that only echoes`));
    ctx.report(figure('dns', `bare UDP echo: CPU at ${rate}/s`, echo.cpuPercent, '% core', undefined, 'the floor of a node process per datagram on this machine'));
    if (lost > dns.load.sent / 1000 || dns.load.wrong > 0) throw new Error(`dns: ${lost} of ${dns.load.sent} queries lost, ${dns.load.wrong} answered wrongly`);
    return { services, endpoints, rate, seconds, sent: dns.load.sent, lost, wrong: dns.load.wrong, latencyMs: dns.latency, cpuPercent: dns.cpuPercent, echo: { latencyMs: echo.latency, cpuPercent: echo.cpuPercent } };
  },
};
