import { describe, expect, it } from 'vitest';
import { processMemory, prometheusText } from './metrics.js';
import { testApi } from './testing/fixtures.js';

describe('GET /metrics', () => {
  it('needs the admin token and answers process memory in Prometheus text format', async () => {
    const { app, call } = testApi({ connectedNodes: () => 7 });
    expect((await app.request('/metrics')).status).toBe(401);
    const res = await call('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('process_resident_memory_bytes')).toBeGreaterThan(10 * 2 ** 20);
    expect(value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(value('nodejs_heap_size_total_bytes')).toBeGreaterThanOrEqual(value('nodejs_heap_size_used_bytes'));
    expect(value('kedge_mqtt_connected_nodes')).toBe(7);
    expect(text).toMatch(/^# TYPE process_resident_memory_bytes gauge$/m);
  });

  it('splits RSS from /proc/self/status and leaves out what it cannot read', () => {
    const m = processMemory(() => 'VmRSS:\t  100 kB\nRssAnon:\t   60 kB\nRssFile:\t   40 kB\n');
    expect(m.residentAnonBytes).toBe(60 * 1024);
    expect(m.residentFileBytes).toBe(40 * 1024);
    const text = prometheusText({ ...processMemory(() => ''), residentBytes: 5 });
    expect(text).toContain('process_resident_memory_bytes 5\n');
    expect(text).not.toContain('kedge_process_resident_anon_bytes');
  });
});
