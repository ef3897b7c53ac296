/** Queries → answers, over UDP and TCP, against a server on 127.0.0.1 fed the test cluster. */
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, encode, type Answer, type DecodedPacket } from 'dns-packet';
import { startClusterDns, type RunningClusterDns } from './server.js';
import { testInput } from './testing/cluster.js';
import { ask, frame, query, queryPacket, tcpProbe, udpRaw, type Transport } from './testing/dns-client.js';
import { respondTo, startFakeUpstream, type FakeUpstream } from './testing/fake-upstream.js';

function show(a: Answer): string {
  if (a.type === 'SRV') return `${a.name} SRV ${a.data.priority} ${a.data.weight} ${a.data.port} ${a.data.target}`;
  if (a.type === 'SOA') return `${a.name} SOA ${a.ttl} ${a.data.mname} ${a.data.rname} min ${a.data.minimum}`;
  if (a.type === 'TXT') return `${a.name} TXT ${[a.data].flat().join('')}`;
  if (a.type === 'OPT') return 'OPT';
  return `${a.name} ${a.type} ${'data' in a ? String(a.data) : ''}`;
}

interface Row {
  q: [string, string];
  rcode: string;
  answers?: string[];
  /** The SOA of a negative answer: "cluster.local" or "in-addr.arpa". */
  soa?: string;
  additionals?: string[];
  aa?: boolean;
}

const svc = 'default.svc.cluster.local';
const table: Row[] = [
  { q: [`web.${svc}`, 'A'], rcode: 'NOERROR', answers: [`web.${svc} A 10.43.0.20`], aa: true },
  { q: [`WEB.Default.Svc.Cluster.LOCAL`, 'A'], rcode: 'NOERROR', answers: ['WEB.Default.Svc.Cluster.LOCAL A 10.43.0.20'] },
  { q: [`web.${svc}`, 'AAAA'], rcode: 'NOERROR', answers: [], soa: 'cluster.local' },
  { q: [`web.${svc}`, 'ANY'], rcode: 'NOERROR', answers: [`web.${svc} A 10.43.0.20`] },
  { q: [`nope.${svc}`, 'A'], rcode: 'NXDOMAIN', answers: [], soa: 'cluster.local', aa: true },
  // Search-path expansions of a pod with ndots:5 end inside the cluster domain: NXDOMAIN, not forwarded.
  { q: [`web.${svc}.${svc}`, 'A'], rcode: 'NXDOMAIN', soa: 'cluster.local' },
  { q: [`web.${svc}.svc.cluster.local`, 'A'], rcode: 'NXDOMAIN', soa: 'cluster.local' },
  { q: ['www.example.org.default.svc.cluster.local', 'AAAA'], rcode: 'NXDOMAIN', soa: 'cluster.local' },
  { q: [svc, 'A'], rcode: 'NOERROR', answers: [], soa: 'cluster.local' },
  { q: ['svc.cluster.local', 'A'], rcode: 'NOERROR', answers: [], soa: 'cluster.local' },
  { q: ['nons.svc.cluster.local', 'A'], rcode: 'NXDOMAIN', soa: 'cluster.local' },
  { q: [`_http._tcp.web.${svc}`, 'SRV'], rcode: 'NOERROR', answers: [`_http._tcp.web.${svc} SRV 0 100 80 web.${svc}`], additionals: [`web.${svc} A 10.43.0.20`] },
  { q: [`_metrics._tcp.web.${svc}`, 'SRV'], rcode: 'NOERROR', answers: [`_metrics._tcp.web.${svc} SRV 0 100 9090 web.${svc}`], additionals: [`web.${svc} A 10.43.0.20`] },
  { q: [`_dns._udp.kube-dns.kube-system.svc.cluster.local`, 'SRV'], rcode: 'NOERROR', answers: ['_dns._udp.kube-dns.kube-system.svc.cluster.local SRV 0 100 53 kube-dns.kube-system.svc.cluster.local'] },
  { q: [`_http._udp.web.${svc}`, 'SRV'], rcode: 'NXDOMAIN', soa: 'cluster.local' },
  { q: [`_tcp.web.${svc}`, 'A'], rcode: 'NOERROR', answers: [], soa: 'cluster.local' },
  // Headless: one A per ready endpoint; a local pod that is not ready now is left out.
  { q: [`db.${svc}`, 'A'], rcode: 'NOERROR', answers: [`db.${svc} A 10.42.0.5`, `db.${svc} A 10.42.1.6`, `db.${svc} A 10.42.1.9`] },
  { q: [`db-0.db.${svc}`, 'A'], rcode: 'NOERROR', answers: [`db-0.db.${svc} A 10.42.0.5`] },
  { q: [`db-2.db.${svc}`, 'A'], rcode: 'NXDOMAIN', soa: 'cluster.local' },
  { q: [`db-3.db.${svc}`, 'A'], rcode: 'NXDOMAIN', soa: 'cluster.local' },
  { q: [`10-42-1-9.db.${svc}`, 'A'], rcode: 'NOERROR', answers: [`10-42-1-9.db.${svc} A 10.42.1.9`] },
  {
    q: [`_pg._tcp.db.${svc}`, 'SRV'],
    rcode: 'NOERROR',
    answers: [`_pg._tcp.db.${svc} SRV 0 33 5433 db-0.db.${svc}`, `_pg._tcp.db.${svc} SRV 0 33 5433 db-1.db.${svc}`, `_pg._tcp.db.${svc} SRV 0 33 5433 10-42-1-9.db.${svc}`],
    additionals: [`db-0.db.${svc} A 10.42.0.5`, `db-1.db.${svc} A 10.42.1.6`, `10-42-1-9.db.${svc} A 10.42.1.9`],
  },
  { q: [`peers.${svc}`, 'A'], rcode: 'NOERROR', answers: [`peers.${svc} A 10.42.1.20`, `peers.${svc} A 10.42.1.21`] },
  { q: [`empty.${svc}`, 'A'], rcode: 'NOERROR', answers: [], soa: 'cluster.local' },
  // PTR for ClusterIPs and for headless endpoints with a hostname; unknown addresses of the ranges are ours to deny.
  { q: ['20.0.43.10.in-addr.arpa', 'PTR'], rcode: 'NOERROR', answers: [`20.0.43.10.in-addr.arpa PTR web.${svc}`] },
  { q: ['10.0.43.10.in-addr.arpa', 'PTR'], rcode: 'NOERROR', answers: ['10.0.43.10.in-addr.arpa PTR kube-dns.kube-system.svc.cluster.local'] },
  { q: ['5.0.42.10.in-addr.arpa', 'PTR'], rcode: 'NOERROR', answers: [`5.0.42.10.in-addr.arpa PTR db-0.db.${svc}`] },
  { q: ['9.1.42.10.in-addr.arpa', 'PTR'], rcode: 'NXDOMAIN', soa: 'in-addr.arpa' },
  { q: ['99.0.43.10.in-addr.arpa', 'PTR'], rcode: 'NXDOMAIN', soa: 'in-addr.arpa' },
  // ExternalName: a CNAME, followed inside the cluster and through the forwarder outside it.
  { q: [`alias.${svc}`, 'A'], rcode: 'NOERROR', answers: [`alias.${svc} CNAME web.${svc}`, `web.${svc} A 10.43.0.20`] },
  { q: [`alias.${svc}`, 'CNAME'], rcode: 'NOERROR', answers: [`alias.${svc} CNAME web.${svc}`] },
  { q: [`ext.${svc}`, 'A'], rcode: 'NOERROR', answers: [`ext.${svc} CNAME www.example.org`, 'www.example.org A 192.0.2.80'] },
  // Pods by address, as K3s answers them.
  { q: ['10-42-0-5.default.pod.cluster.local', 'A'], rcode: 'NOERROR', answers: ['10-42-0-5.default.pod.cluster.local A 10.42.0.5'] },
  { q: ['10-42-0-5.default.pod.cluster.local', 'AAAA'], rcode: 'NOERROR', answers: [], soa: 'cluster.local' },
  { q: ['999-1-1-1.default.pod.cluster.local', 'A'], rcode: 'NXDOMAIN', soa: 'cluster.local' },
  { q: ['cluster.local', 'NS'], rcode: 'NOERROR', answers: ['cluster.local NS ns.dns.cluster.local'] },
  { q: ['ns.dns.cluster.local', 'A'], rcode: 'NOERROR', answers: ['ns.dns.cluster.local A 10.43.0.10'] },
  { q: ['dns-version.cluster.local', 'TXT'], rcode: 'NOERROR', answers: ['dns-version.cluster.local TXT 1.1.0'] },
  // Outside the cluster: the upstream's answer, not authoritative.
  { q: ['www.example.org', 'A'], rcode: 'NOERROR', answers: ['www.example.org A 192.0.2.80'], aa: false },
  { q: ['nowhere.example.org', 'A'], rcode: 'NXDOMAIN', answers: [], aa: false },
];

describe('cluster DNS answers', () => {
  let dns: RunningClusterDns;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    upstream = await startFakeUpstream((q) => {
      const name = q.questions![0]!.name;
      if (name === 'www.example.org' && q.questions![0]!.type === 'A') return respondTo(q, { answers: [{ name, type: 'A', ttl: 60, data: '192.0.2.80' }] });
      return respondTo(q, { flags: (1 << 8) | (1 << 7) | 3 });
    });
    dns = await startClusterDns({ address: '127.0.0.1', port: 0, domain: 'cluster.local', upstreams: [{ address: '127.0.0.1', port: upstream.port }], log: () => {} });
    dns.update(testInput);
  });
  afterAll(async () => {
    await dns?.close();
    await upstream?.close();
  });

  describe.each<Transport>(['udp', 'tcp'])('over %s', (transport) => {
    it.each(table)('$q.0 $q.1 → $rcode', async (row) => {
      const r: DecodedPacket & { rcode?: string } = await ask(dns.port, transport, row.q[0], row.q[1]);
      expect(r.rcode).toBe(row.rcode);
      expect(r.flag_qr).toBe(true);
      expect(r.flag_rd && r.flag_ra).toBe(true);
      expect(r.questions).toEqual([{ name: row.q[0], type: row.q[1], class: 'IN' }]);
      if (row.answers) expect(r.answers!.map(show).sort()).toEqual([...row.answers].sort());
      if (row.additionals) expect(r.additionals!.map(show).sort()).toEqual([...row.additionals].sort());
      if (row.soa) expect(r.authorities!.map(show)).toEqual([`${row.soa} SOA 5 ns.dns.cluster.local hostmaster.cluster.local min 5`]);
      if (row.aa !== undefined) expect(r.flag_aa).toBe(row.aa);
      for (const a of r.answers!) if (a.type !== 'OPT' && !a.name.includes('example.org')) expect(a.ttl).toBe(5);
    });
  });

  it('answers a repeated question with each asker\'s id, and an update changes the answer at once', async () => {
    const [x, y] = [await ask(dns.port, 'udp', `web.${svc}`, 'A', { id: 111 }), await ask(dns.port, 'udp', `web.${svc}`, 'A', { id: 222 })];
    expect([x.id, y.id]).toEqual([111, 222]);
    expect(y.answers!.map(show)).toEqual([`web.${svc} A 10.43.0.20`]);
    dns.update({ ...testInput, services: testInput.services.map((s) => (s.name === 'web' ? { ...s, clusterIP: '10.43.0.21' } : s)) });
    try {
      expect((await ask(dns.port, 'udp', `web.${svc}`, 'A', { id: 333 })).answers!.map(show)).toEqual([`web.${svc} A 10.43.0.21`]);
    } finally {
      dns.update(testInput);
    }
  });

  it('never asked the upstream about a name of the cluster or its ranges', () => {
    const asked = upstream.received.map((r) => r.name);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter((n) => n.endsWith('cluster.local') || n.endsWith('in-addr.arpa'))).toEqual([]);
  });
});

describe('cluster DNS on untrusted input', () => {
  let dns: RunningClusterDns;
  const valid = () => encode(queryPacket('web.default.svc.cluster.local', 'A'));
  const many = Array.from({ length: 200 }, (_, i) => ({ ip: `10.42.2.${i + 1}`, ready: true, ports: {} }));

  beforeAll(async () => {
    dns = await startClusterDns({ address: '127.0.0.1', port: 0, domain: 'cluster.local', upstreams: [], log: () => {} });
    dns.update({ ...testInput, services: [...testInput.services, { namespace: 'default', name: 'crowd', type: 'ClusterIP', clusterIP: 'None', ports: [], endpoints: many }] });
  });
  afterAll(async () => {
    await dns?.close();
  });

  /** As a stub resolver does: a few tries, since a datagram may be lost behind a flood. */
  async function stillAnswers(): Promise<void> {
    let r: Buffer | null = null;
    for (let i = 0; i < 3 && !r; i++) r = await udpRaw(dns.port, valid());
    expect(decode(r!).answers).toHaveLength(1);
  }

  it.each<[string, Buffer]>([
    ['a few bytes', Buffer.from([1, 2, 3, 4, 5])],
    ['a header claiming 65535 questions', Buffer.from([0, 1, 1, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 3, 0x61])],
    ['a name that points at itself', Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1])],
    ['a label running past the end', Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 60, 0x61, 0x62])],
    ['a response, not a query', encode({ ...queryPacket('web.default.svc.cluster.local', 'A'), type: 'response' })],
  ])('drops %s without an answer and goes on', async (_, bytes) => {
    expect(await udpRaw(dns.port, bytes, 200)).toBeNull();
    await stillAnswers();
  });

  it('survives thousands of mangled queries', async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const base = valid();
    const socket = createSocket('udp4');
    const sent: Promise<unknown>[] = [];
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.from(base.subarray(0, 1 + Math.floor(random() * base.length)));
      for (let k = 0; k < 3; k++) b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
      sent.push(new Promise((r) => socket.send(b, dns.port, '127.0.0.1', r)));
    }
    await Promise.all(sent);
    socket.close();
    await stillAnswers();
  });

  it('answers FORMERR to two questions and NOTIMP to another opcode', async () => {
    const two = await query(dns.port, 'udp', { ...queryPacket('web.default.svc.cluster.local', 'A'), questions: [{ name: 'a.cluster.local', type: 'A' }, { name: 'b.cluster.local', type: 'A' }] });
    expect((two as { rcode?: string }).rcode).toBe('FORMERR');
    const status = await query(dns.port, 'udp', { ...queryPacket('web.default.svc.cluster.local', 'A'), flags: 2 << 11 });
    expect((status as { rcode?: string }).rcode).toBe('NOTIMP');
  });

  it('drops a malformed message over TCP and answers the next on the same connection', async () => {
    const p = await tcpProbe(dns.port);
    p.socket.write(Buffer.concat([frame(Buffer.from([0, 1, 1, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 3])), frame(valid())]));
    expect(decode(await p.message(0)).answers).toHaveLength(1);
    expect(p.messages).toHaveLength(1);
    p.socket.destroy();
  });

  it('fits a large headless answer to what the client takes: 512 bytes, its EDNS size up to 1232, all of it over TCP', async () => {
    const plain = await udpRaw(dns.port, encode(queryPacket('crowd.default.svc.cluster.local', 'A')));
    expect(plain!.length).toBeLessThanOrEqual(512);
    expect(decode(plain!).flag_tc).toBe(true);
    expect(decode(plain!).answers!.length).toBeGreaterThan(5);
    const edns = await udpRaw(dns.port, encode(queryPacket('crowd.default.svc.cluster.local', 'A', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 65000 } as Answer] })));
    expect(edns!.length).toBeLessThanOrEqual(1232);
    expect(edns!.length).toBeGreaterThan(1000);
    expect(decode(edns!).flag_tc).toBe(true);
    const tcp = await ask(dns.port, 'tcp', 'crowd.default.svc.cluster.local', 'A');
    expect(tcp.flag_tc).toBe(false);
    expect(tcp.answers).toHaveLength(200);
  });
});

describe('cluster DNS lifecycle', () => {
  it('says which address it cannot listen on, and why', async () => {
    // 192.0.2.1 (TEST-NET-1) is on no interface of this machine: binding fails, nothing is sent.
    await expect(startClusterDns({ address: '192.0.2.1', port: 0, domain: 'cluster.local', upstreams: [], log: () => {} })).rejects.toThrow(
      /cluster DNS: cannot listen on 192\.0\.2\.1 port 0\/udp \(.*EADDRNOTAVAIL.*\); the cluster DNS address must be on one of the node's interfaces/,
    );
  });

  it('frees its UDP and TCP port when closed', async () => {
    const dns = await startClusterDns({ address: '127.0.0.1', port: 0, domain: 'cluster.local', upstreams: [], log: () => {} });
    const { port } = dns;
    await dns.close();
    const again = await startClusterDns({ address: '127.0.0.1', port, domain: 'cluster.local', upstreams: [], log: () => {} });
    expect(again.port).toBe(port);
    await again.close();
  });
});
