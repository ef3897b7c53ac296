/** Keeps the Service rules benchmark from rotting: a tiny run on the real nft. */
import { describe, expect, it } from 'vitest';
import { benchInput, measureServiceRules } from './service-rules.js';
import { serviceNetnsSkipReason } from '../fixtures/service-netns.js';

const skip = serviceNetnsSkipReason();

describe('Service rules benchmark', () => {
  it('builds the cluster it claims: N Services × M endpoints, one in a hundred on this node', () => {
    const input = benchInput(30, 4);
    expect(input.services).toHaveLength(30);
    expect(input.services.every((s) => s.endpoints.length === 4)).toBe(true);
    expect(input.localPods.map((p) => p.ip)).toEqual(['10.42.0.2', '10.42.0.3']);
    expect(new Set(input.services.map((s) => s.clusterIP)).size).toBe(30);
    expect(new Set(input.services.flatMap((s) => s.endpoints.map((e) => e.ip))).size).toBe(120);
  });

  it.skipIf(skip !== null)(`measures a tiny table on the real nft${skip ? ` (skipped: ${skip})` : ''}`, async () => {
    const m = await measureServiceRules({ services: 20, endpoints: 3, changes: 5, resyncs: 1 });
    expect(m.fullResync.n).toBe(1);
    expect(m.endpointChange.n).toBe(5);
    expect(m.endpointChange.p50).toBeGreaterThan(0);
    expect(m.scriptBytes).toBeGreaterThan(1000);
    expect(m.cpuPerChange).toBeGreaterThan(0);
  });
});
