import { describe, expect, it } from 'vitest';
import type { Question } from 'dns-packet';
import { emptyReply, type Reply } from './answer.js';
import type { Forwarder } from './forwarder.js';
import { createResolver } from './resolver.js';
import { testInput } from './testing/cluster.js';
import { buildZone, type Zone } from './zone.js';

function recordingForwarder(reply: Reply): Forwarder & { asked: string[] } {
  const asked: string[] = [];
  return { asked, resolve: async (q: Question) => (asked.push(q.name), reply), close: () => {} };
}

const loop = buildZone({ ...testInput, services: [
  { namespace: 'default', name: 'ping', type: 'ExternalName', externalName: 'pong.default.svc.cluster.local', ports: [], endpoints: [] },
  { namespace: 'default', name: 'pong', type: 'ExternalName', externalName: 'ping.default.svc.cluster.local', ports: [], endpoints: [] },
] }, 1);

describe('the resolver', () => {
  it('cuts an ExternalName loop after a few CNAMEs', async () => {
    const forwarder = recordingForwarder(emptyReply('SERVFAIL'));
    const r = createResolver({ zone: () => loop, domain: () => 'cluster.local', forwarder }).resolve({ name: 'ping.default.svc.cluster.local', type: 'A' });
    expect(r).not.toBeInstanceOf(Promise);
    expect((r as Reply).rcode).toBe('NOERROR');
    expect((r as Reply).answers.map((a) => a.type)).toEqual(Array(8).fill('CNAME'));
    expect(forwarder.asked).toEqual([]);
  });

  it('answers cluster names without a promise, and forwards the rest', async () => {
    let zone: Zone | null = null;
    const forwarder = recordingForwarder({ ...emptyReply('NOERROR'), answers: [{ name: 'example.org', type: 'A', ttl: 9, data: '192.0.2.1' }] });
    const resolver = createResolver({ zone: () => zone, domain: () => 'cluster.local', forwarder });
    expect(resolver.resolve({ name: 'web.default.svc.cluster.local', type: 'A' })).toMatchObject({ rcode: 'SERVFAIL' });
    zone = buildZone(testInput, 1);
    expect(resolver.resolve({ name: 'web.default.svc.cluster.local', type: 'A' })).toMatchObject({ rcode: 'NOERROR', answers: [{ data: '10.43.0.20' }] });
    expect(await resolver.resolve({ name: 'example.org', type: 'A' })).toMatchObject({ answers: [{ data: '192.0.2.1' }] });
    expect(forwarder.asked).toEqual(['example.org']);
  });
});
