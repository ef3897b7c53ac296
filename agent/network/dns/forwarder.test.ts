/** Forwarding to upstreams the test starts itself on 127.0.0.1: cache, fail-over, truncation, loops. */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { Answer, DecodedPacket, Packet } from 'dns-packet';
import { startClusterDns, type ClusterDnsOptions, type RunningClusterDns } from './server.js';
import { testInput, testNetwork } from './testing/cluster.js';
import { ask } from './testing/dns-client.js';
import { respondTo, startFakeUpstream, type FakeUpstream, type UpstreamHandler } from './testing/fake-upstream.js';

const TC = 1 << 9;
const nxdomain = (1 << 8) | (1 << 7) | 3;
const servfail = (1 << 8) | (1 << 7) | 2;

type Result = DecodedPacket & { rcode?: string };

function a(name: string, ip: string, ttl: number): Answer {
  return { name, type: 'A', ttl, data: ip };
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function upstreamWith(handler: UpstreamHandler): Promise<FakeUpstream> {
  const u = await startFakeUpstream(handler);
  open.push(u);
  return u;
}

/** A UDP port that takes questions and never answers: a dead resolver. */
async function silentUpstream(): Promise<{ port: number; hits: () => number }> {
  const socket: Socket = createSocket('udp4');
  let hits = 0;
  socket.on('message', () => hits++);
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  open.push({ close: () => new Promise<void>((r) => socket.close(() => r())) });
  return { port: socket.address().port, hits: () => hits };
}

async function freePort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const { port } = socket.address();
  await new Promise<void>((r) => socket.close(() => r()));
  return port;
}

function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function dnsWith(ports: number[], o: Partial<ClusterDnsOptions> = {}): Promise<RunningClusterDns> {
  const dns = await startClusterDns({
    address: '127.0.0.1',
    port: 0,
    domain: 'cluster.local',
    upstreams: ports.map((port) => ({ address: '127.0.0.1', port })),
    log: () => {},
    forwarder: { attemptTimeoutMs: 200 },
    ...o,
  });
  open.push(dns);
  return dns;
}

const answersOf = (r: Result) => r.answers!.map((x) => `${x.name} ${'ttl' in x ? x.ttl : ''} ${'data' in x ? String(x.data) : ''}`);

describe('forwarding to the node resolvers', () => {
  it('passes the upstream answer on with the client id, recursion flags and no AA', async () => {
    const u = await upstreamWith((q) => respondTo(q, { answers: [a('example.com', '192.0.2.1', 60)] }));
    const dns = await dnsWith([u.port]);
    dns.update(testInput);
    const r: Result = await ask(dns.port, 'udp', 'example.com', 'A', { id: 4242 });
    expect(r.id).toBe(4242);
    expect(r.rcode).toBe('NOERROR');
    expect(r.flag_ra && r.flag_rd && !r.flag_aa).toBe(true);
    expect(answersOf(r)).toEqual(['example.com 60 192.0.2.1']);
    expect(u.received).toEqual([{ name: 'example.com', type: 'A', transport: 'udp' }]);
  });

  it('answers from the cache within the TTL, counting it down, and asks again after', async () => {
    const u = await upstreamWith((q) => respondTo(q, { answers: [a('example.com', '192.0.2.1', 10)] }));
    const clock = fakeClock();
    const dns = await dnsWith([u.port], { clock });
    await ask(dns.port, 'udp', 'example.com', 'A');
    clock.advance(4_000);
    const cached: Result = await ask(dns.port, 'tcp', 'EXAMPLE.com', 'A');
    expect(answersOf(cached)).toEqual(['example.com 6 192.0.2.1']);
    expect(u.received).toHaveLength(1);
    clock.advance(6_000);
    await ask(dns.port, 'udp', 'example.com', 'A');
    expect(u.received).toHaveLength(2);
  });

  it('keeps long TTLs 30 s at most and negative answers 5 s at most; SERVFAIL not at all', async () => {
    const u = await upstreamWith((q) => {
      const name = q.questions![0]!.name;
      if (name === 'long.example') return respondTo(q, { answers: [a(name, '192.0.2.2', 86400)] });
      if (name === 'gone.example') return respondTo(q, { flags: nxdomain, authorities: [{ name: 'example', type: 'SOA', ttl: 3600, data: { mname: 'ns.example', rname: 'h.example', minimum: 900 } }] });
      return respondTo(q, { flags: servfail });
    });
    const clock = fakeClock();
    const dns = await dnsWith([u.port], { clock });
    const count = (n: string) => u.received.filter((r) => r.name === n).length;
    await ask(dns.port, 'udp', 'long.example', 'A');
    clock.advance(29_000);
    expect(answersOf(await ask(dns.port, 'udp', 'long.example', 'A'))).toEqual(['long.example 1 192.0.2.2']);
    expect(count('long.example')).toBe(1);
    clock.advance(1_000);
    await ask(dns.port, 'udp', 'long.example', 'A');
    expect(count('long.example')).toBe(2);

    expect((await ask(dns.port, 'udp', 'gone.example', 'A') as Result).rcode).toBe('NXDOMAIN');
    clock.advance(4_000);
    expect((await ask(dns.port, 'udp', 'gone.example', 'A') as Result).rcode).toBe('NXDOMAIN');
    expect(count('gone.example')).toBe(1);
    clock.advance(1_000);
    await ask(dns.port, 'udp', 'gone.example', 'A');
    expect(count('gone.example')).toBe(2);

    expect((await ask(dns.port, 'udp', 'broken.example', 'A') as Result).rcode).toBe('SERVFAIL');
    await ask(dns.port, 'udp', 'broken.example', 'A');
    expect(count('broken.example')).toBe(2);
  });

  it('fails over from a dead upstream to the next, and asks the one that answered first after that', async () => {
    const dead = await silentUpstream();
    const u = await upstreamWith((q) => respondTo(q, { answers: [a('example.net', '192.0.2.3', 60)] }));
    const logged: string[] = [];
    const dns = await dnsWith([dead.port, u.port], { log: (m) => logged.push(m) });
    const t0 = performance.now();
    expect(answersOf(await ask(dns.port, 'udp', 'example.net', 'A'))).toEqual(['example.net 60 192.0.2.3']);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    expect(dead.hits()).toBe(1);
    expect(logged.join('\n')).toMatch(/upstream 127\.0\.0\.1:\d+ failed \(DNS upstream .* no answer within 200 ms\); asking the next/);
    await ask(dns.port, 'udp', 'other.example.net', 'A');
    expect(dead.hits()).toBe(1);
  });

  it('fails over on SERVFAIL or REFUSED from an upstream', async () => {
    const refusing = await upstreamWith((q) => respondTo(q, { flags: (1 << 8) | 5 }));
    const u = await upstreamWith((q) => respondTo(q, { answers: [a('example.net', '192.0.2.4', 60)] }));
    const dns = await dnsWith([refusing.port, u.port]);
    expect(answersOf(await ask(dns.port, 'udp', 'example.net', 'A'))).toEqual(['example.net 60 192.0.2.4']);
    expect(refusing.received).toHaveLength(1);
  });

  it('answers SERVFAIL, in bounded time, when no upstream answers', async () => {
    const dead = [await silentUpstream(), await silentUpstream()];
    const dns = await dnsWith(dead.map((d) => d.port));
    const t0 = performance.now();
    const r: Result = await ask(dns.port, 'udp', 'example.net', 'A');
    expect(r.rcode).toBe('SERVFAIL');
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(dead.map((d) => d.hits())).toEqual([1, 1]);
  });

  it('asks again over TCP when the upstream truncates its UDP answer', async () => {
    const many = Array.from({ length: 40 }, (_, i) => a('big.example', `192.0.2.${i + 1}`, 60));
    const u = await upstreamWith((q, transport) => (transport === 'udp' ? respondTo(q, { flags: (1 << 8) | (1 << 7) | TC }) : respondTo(q, { answers: many })));
    const dns = await dnsWith([u.port]);
    const viaTcp: Result = await ask(dns.port, 'tcp', 'big.example', 'A');
    expect(viaTcp.answers).toHaveLength(40);
    expect(viaTcp.flag_tc).toBe(false);
    expect(u.received.map((r) => r.transport)).toEqual(['udp', 'tcp']);
    // 40 records do not fit 512 bytes: a UDP client without EDNS gets what fits, flagged, and then asks over TCP.
    const viaUdp: Result = await ask(dns.port, 'udp', 'big.example', 'A');
    expect(viaUdp.flag_tc).toBe(true);
    expect(viaUdp.answers!.length).toBeGreaterThan(5);
    expect(viaUdp.answers!.length).toBeLessThan(40);
    const edns: Result = await ask(dns.port, 'udp', 'big.example', 'A', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096 } as Answer] });
    expect(edns.flag_tc).toBe(false);
    expect(edns.answers).toHaveLength(40);
    expect(edns.additionals!.find((x) => x.type === 'OPT')).toMatchObject({ udpPayloadSize: 1232 });
    expect(u.received).toHaveLength(2);
  });

  it('ignores answers with another id or question (spoofing) and takes the real one', async () => {
    const u = await upstreamWith((q): Packet[] => [
      { ...respondTo(q, { answers: [a('example.org', '192.0.2.66', 60)] }), id: (q.id! + 1) % 0x10000 },
      { ...respondTo(q, { answers: [a('evil.example', '192.0.2.66', 60)] }), questions: [{ name: 'evil.example', type: 'A', class: 'IN' }] },
      respondTo(q, { answers: [a('example.org', '192.0.2.7', 60)] }),
    ]);
    const dns = await dnsWith([u.port]);
    expect(answersOf(await ask(dns.port, 'udp', 'example.org', 'A'))).toEqual(['example.org 60 192.0.2.7']);
  });

  it('asks once for identical questions in flight', async () => {
    const u = await upstreamWith(async (q) => {
      await new Promise((r) => setTimeout(r, 80));
      return respondTo(q, { answers: [a('slow.example', '192.0.2.8', 60)] });
    });
    const dns = await dnsWith([u.port]);
    const rs = await Promise.all([ask(dns.port, 'udp', 'slow.example', 'A'), ask(dns.port, 'udp', 'slow.example', 'A'), ask(dns.port, 'tcp', 'slow.example', 'A')]);
    expect(rs.map((r) => r.answers!.length)).toEqual([1, 1, 1]);
    expect(u.received).toHaveLength(1);
  });

  it('never forwards to itself or to the cluster DNS address (a loop)', async () => {
    const logged: string[] = [];
    const u = await upstreamWith((q) => respondTo(q, { answers: [a('example.org', '192.0.2.9', 60)] }));
    // resolv.conf names the cluster DNS address: the node's own pods would ask the agent, which would ask itself.
    const dns = await dnsWith([u.port], { log: (m) => logged.push(m) });
    dns.update({ ...testInput, network: { ...testNetwork, clusterDNS: '127.0.0.1' } });
    const r: Result = await ask(dns.port, 'udp', 'example.org', 'A');
    expect(r.rcode).toBe('SERVFAIL');
    expect(u.received).toEqual([]);
    expect(logged.join('\n')).toMatch(/no upstream resolver/);

    // resolv.conf naming the very address and port the cluster DNS listens on.
    const port = await freePort();
    const selfLogged: string[] = [];
    // Were it asked, the question would come back to this server and wait out the attempt's 3 s.
    const self = await dnsWith([], { port, upstreams: [{ address: '127.0.0.1', port }], log: (m) => selfLogged.push(m), forwarder: { attemptTimeoutMs: 3000 } });
    const t0 = performance.now();
    expect((await ask(self.port, 'udp', 'example.org', 'A') as Result).rcode).toBe('SERVFAIL');
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(selfLogged.join('\n')).toMatch(/no upstream resolver/);
  });

  it('before the first update: cluster names get SERVFAIL (not a cached NXDOMAIN) and are not forwarded; others are', async () => {
    const u = await upstreamWith((q) => respondTo(q, { answers: [a('example.org', '192.0.2.10', 60)] }));
    const dns = await dnsWith([u.port]);
    expect((await ask(dns.port, 'udp', 'web.default.svc.cluster.local', 'A') as Result).rcode).toBe('SERVFAIL');
    expect((await ask(dns.port, 'udp', 'example.org', 'A') as Result).rcode).toBe('NOERROR');
    expect(u.received.map((r) => r.name)).toEqual(['example.org']);
  });

  it('follows an ExternalName through the upstream, and gives the CNAME alone when the upstream fails', async () => {
    const u = await upstreamWith((q) => (q.questions![0]!.name === 'www.example.org' ? respondTo(q, { answers: [a('www.example.org', '192.0.2.11', 60)] }) : null));
    const dns = await dnsWith([u.port]);
    dns.update({ ...testInput, services: [...testInput.services, { namespace: 'default', name: 'down', type: 'ExternalName', externalName: 'down.example.org', ports: [], endpoints: [] }] });
    expect(answersOf(await ask(dns.port, 'udp', 'ext.default.svc.cluster.local', 'A'))).toEqual(['ext.default.svc.cluster.local 5 www.example.org', 'www.example.org 60 192.0.2.11']);
    const down: Result = await ask(dns.port, 'udp', 'down.default.svc.cluster.local', 'A');
    expect(down.rcode).toBe('NOERROR');
    expect(answersOf(down)).toEqual(['down.default.svc.cluster.local 5 down.example.org']);
  });
});
