import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { Hono } from 'hono';

/** What the process itself says about its memory: RSS split by the kernel, V8's heap, buffers outside it. */
export function processMemory(readStatus: () => string = () => readFileSync('/proc/self/status', 'utf8')) {
  const kb = (field: string, text: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  let status = '';
  try {
    status = readStatus();
  } catch {
    // Not Linux: the /proc figures stay NaN and are left out below.
  }
  const mu = process.memoryUsage();
  const heap = getHeapStatistics();
  return {
    residentBytes: mu.rss,
    residentAnonBytes: kb('RssAnon', status),
    residentFileBytes: kb('RssFile', status),
    heapTotalBytes: heap.total_heap_size,
    heapUsedBytes: heap.used_heap_size,
    heapLimitBytes: heap.heap_size_limit,
    externalBytes: mu.external,
    arrayBuffersBytes: mu.arrayBuffers,
  };
}

const help: Record<keyof ReturnType<typeof processMemory>, [string, string]> = {
  residentBytes: ['process_resident_memory_bytes', 'Resident memory size in bytes.'],
  residentAnonBytes: ['kedge_process_resident_anon_bytes', 'Resident anonymous memory (heaps, buffers) in bytes.'],
  residentFileBytes: ['kedge_process_resident_file_bytes', 'Resident file-backed memory (the executable, libraries) in bytes.'],
  heapTotalBytes: ['nodejs_heap_size_total_bytes', 'V8 heap committed, in bytes.'],
  heapUsedBytes: ['nodejs_heap_size_used_bytes', 'V8 heap in use, in bytes.'],
  heapLimitBytes: ['kedge_nodejs_heap_size_limit_bytes', 'V8 heap size limit, in bytes.'],
  externalBytes: ['nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript objects, in bytes.'],
  arrayBuffersBytes: ['kedge_nodejs_array_buffers_bytes', 'Memory of ArrayBuffers and Buffers, in bytes.'],
};

/** Prometheus text exposition of `values` (NaN entries left out). */
export function prometheusText(values: Record<string, number>, extra: Record<string, [string, string, number]> = {}): string {
  const lines: string[] = [];
  const emit = (name: string, text: string, v: number) => {
    if (!Number.isFinite(v)) return;
    lines.push(`# HELP ${name} ${text}`, `# TYPE ${name} gauge`, `${name} ${v}`);
  };
  for (const [k, v] of Object.entries(values)) {
    const h = help[k as keyof typeof help];
    if (h) emit(h[0], h[1], v);
  }
  for (const [name, text, v] of Object.values(extra)) emit(name, text, v);
  return `${lines.join('\n')}\n`;
}

/** GET /metrics (admin token, as every API path): process memory for monitoring and the benchmarks. */
export function metricsRoutes(o: { connectedNodes?: () => number } = {}) {
  const app = new Hono();
  app.get('/metrics', (c) => {
    const extra: Record<string, [string, string, number]> = {};
    if (o.connectedNodes) extra.nodes = ['kedge_mqtt_connected_nodes', 'Nodes with an open MQTT connection.', o.connectedNodes()];
    return c.text(prometheusText(processMemory(), extra), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });
  return app;
}
