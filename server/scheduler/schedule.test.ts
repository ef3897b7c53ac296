import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { schedule } from './schedule.js';
import { makeNode, makePod } from './testing/builders.js';
import { podRequests, nodeAllocatable } from './resources.js';
import type { NodeSelectorRequirement } from './affinity.js';

const required = (...terms: NodeSelectorRequirement[][]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms.map((matchExpressions) => ({ matchExpressions })) } } });
const preferred = (weight: number, ...matchExpressions: NodeSelectorRequirement[]) => ({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight, preference: { matchExpressions } }] } });

describe('schedule', () => {
  const cases: { name: string; nodes: ReturnType<typeof makeNode>[]; pods?: ReturnType<typeof makePod>[]; pending: ReturnType<typeof makePod>[]; want: Record<string, string | RegExp> }[] = [
    { name: 'places on the only ready node', nodes: [makeNode('a', { ready: false }), makeNode('b')], pending: [makePod('p')], want: { p: 'b' } },
    { name: 'skips cordoned nodes', nodes: [makeNode('a', { unschedulable: true }), makeNode('b')], pending: [makePod('p')], want: { p: 'b' } },
    { name: 'honours nodeSelector', nodes: [makeNode('a'), makeNode('b', { labels: { disk: 'ssd' } })], pending: [makePod('p', { nodeSelector: { disk: 'ssd' } })], want: { p: 'b' } },
    { name: 'arch via nodeSelector', nodes: [makeNode('a'), makeNode('b', { labels: { 'kubernetes.io/arch': 'arm64' } })], pending: [makePod('p', { nodeSelector: { 'kubernetes.io/arch': 'arm64' } })], want: { p: 'b' } },
    { name: 'memory must fit', nodes: [makeNode('a', { memory: '64Mi' }), makeNode('b', { memory: '1Gi' })], pending: [makePod('p', { memory: '128Mi' })], want: { p: 'b' } },
    { name: 'counts already placed pods', nodes: [makeNode('a', { cpu: '1' }), makeNode('b', { cpu: '1' })], pods: [makePod('x', { cpu: '800m', nodeName: 'a' })], pending: [makePod('p', { cpu: '500m' })], want: { p: 'b' } },
    { name: 'least allocated wins', nodes: [makeNode('a', { memory: '1Gi' }), makeNode('b', { memory: '1Gi' })], pods: [makePod('x', { memory: '512Mi', nodeName: 'b' })], pending: [makePod('p', { memory: '10Mi' })], want: { p: 'a' } },
    { name: 'spreads one owner', nodes: [makeNode('a'), makeNode('b'), makeNode('c')], pending: [makePod('p1', { owner: 'rs' }), makePod('p2', { owner: 'rs' }), makePod('p3', { owner: 'rs' })], want: { p1: 'a', p2: 'b', p3: 'c' } },
    { name: 'host ports conflict', nodes: [makeNode('a'), makeNode('b')], pods: [makePod('x', { hostPort: 80, nodeName: 'a' })], pending: [makePod('p', { hostPort: 80 })], want: { p: 'b' } },
    { name: 'taints need tolerations', nodes: [makeNode('a', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] })], pending: [makePod('p'), makePod('q', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] })], want: { p: /untolerated taint \{dedicated: gpu\}/, q: 'a' } },
    {
      name: 'explains why nothing fits, grouped',
      nodes: [makeNode('a', { memory: '64Mi' }), makeNode('b', { memory: '64Mi' }), makeNode('c', { labels: {} })],
      pending: [makePod('p', { memory: '128Mi', nodeSelector: { zone: 'x' } })],
      want: { p: "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector." },
    },
    {
      name: 'mixed reasons in one message',
      nodes: [makeNode('a', { memory: '64Mi', labels: { zone: 'x' } }), makeNode('b', { memory: '64Mi', labels: { zone: 'x' } }), makeNode('c')],
      pending: [makePod('p', { memory: '128Mi', nodeSelector: { zone: 'x' } })],
      want: { p: "0/3 nodes are available: 2 Insufficient memory, 1 node(s) didn't match Pod's node affinity/selector." },
    },
    { name: 'no nodes', nodes: [], pending: [makePod('p')], want: { p: /0\/0 nodes are available/ } },
    { name: 'os via nodeSelector', nodes: [makeNode('a', { labels: { 'kubernetes.io/os': 'windows' } }), makeNode('b', { labels: { 'kubernetes.io/os': 'linux' } })], pending: [makePod('p', { nodeSelector: { 'kubernetes.io/os': 'linux' } })], want: { p: 'b' } },
    { name: 'required affinity In', nodes: [makeNode('a'), makeNode('b', { labels: { zone: 'x' } })], pending: [makePod('p', { affinity: required([{ key: 'zone', operator: 'In', values: ['x', 'y'] }]) })], want: { p: 'b' } },
    { name: 'required affinity NotIn', nodes: [makeNode('a', { labels: { zone: 'x' } }), makeNode('b', { labels: { zone: 'y' } })], pending: [makePod('p', { affinity: required([{ key: 'zone', operator: 'NotIn', values: ['x'] }]) })], want: { p: 'b' } },
    { name: 'required affinity DoesNotExist', nodes: [makeNode('a', { labels: { gpu: 'yes' } }), makeNode('b')], pending: [makePod('p', { affinity: required([{ key: 'gpu', operator: 'DoesNotExist' }]) })], want: { p: 'b' } },
    { name: 'required affinity Gt', nodes: [makeNode('a', { labels: { mem: '2' } }), makeNode('b', { labels: { mem: '8' } })], pending: [makePod('p', { affinity: required([{ key: 'mem', operator: 'Gt', values: ['4'] }]) })], want: { p: 'b' } },
    { name: 'required affinity Lt', nodes: [makeNode('a', { labels: { mem: '8' } }), makeNode('b', { labels: { mem: '2' } })], pending: [makePod('p', { affinity: required([{ key: 'mem', operator: 'Lt', values: ['4'] }]) })], want: { p: 'b' } },
    {
      name: 'arch via required affinity, terms ORed',
      nodes: [makeNode('a', { labels: { 'kubernetes.io/arch': 'amd64' } }), makeNode('b', { labels: { 'kubernetes.io/arch': 'arm' } })],
      pending: [makePod('p', { affinity: required([{ key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] }], [{ key: 'kubernetes.io/arch', operator: 'In', values: ['arm'] }]) })],
      want: { p: 'b' },
    },
    {
      name: 'affinity refusals are grouped with the selector reason',
      nodes: [makeNode('a'), makeNode('b')],
      pending: [makePod('p', { affinity: required([{ key: 'zone', operator: 'Exists' }]) })],
      want: { p: "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector." },
    },
    {
      name: 'NoExecute taints repel like NoSchedule; an Exists toleration without key tolerates all',
      nodes: [makeNode('a', { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] })],
      pending: [makePod('p'), makePod('q', { tolerations: [{ operator: 'Exists' }] })],
      want: { p: '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }.', q: 'a' },
    },
    {
      name: 'a toleration for another effect does not help',
      nodes: [makeNode('a', { taints: [{ key: 'k', effect: 'NoExecute' }] })],
      pending: [makePod('p', { tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }] })],
      want: { p: /untolerated taint \{k: \}/ },
    },
    { name: 'PreferNoSchedule only weighs', nodes: [makeNode('a', { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] }), makeNode('b', { memory: '1Gi' })], pods: [makePod('x', { memory: '900Mi', nodeName: 'b' })], pending: [makePod('p')], want: { p: 'b' } },
    { name: 'PreferNoSchedule is still usable', nodes: [makeNode('a', { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] })], pending: [makePod('p')], want: { p: 'a' } },
    { name: 'preferred affinity beats least allocated', nodes: [makeNode('a'), makeNode('b', { labels: { role: 'edge' } })], pods: [makePod('x', { memory: '2Gi', nodeName: 'b' })], pending: [makePod('p', { affinity: preferred(100, { key: 'role', operator: 'In', values: ['edge'] }) })], want: { p: 'b' } },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const r = schedule(c.nodes, c.pods ?? [], c.pending);
      for (const [pod, want] of Object.entries(c.want)) {
        const placed = r.placements.find((p) => p.pod === `default/${pod}`);
        const refused = r.unschedulable.find((u) => u.pod === `default/${pod}`);
        if (typeof want === 'string' && !want.startsWith('0/')) expect(placed?.node, pod).toBe(want);
        else if (typeof want === 'string') expect(refused?.message).toBe(want);
        else expect(refused?.message).toMatch(want);
      }
    });
  }
});

describe('schedule properties', () => {
  const effects = ['NoSchedule', 'NoExecute', 'PreferNoSchedule'] as const;
  const nodeArb = fc.record({
    cpu: fc.integer({ min: 0, max: 4000 }),
    mem: fc.integer({ min: 0, max: 4096 }),
    pods: fc.integer({ min: 0, max: 8 }),
    ready: fc.boolean(),
    cordoned: fc.boolean(),
    zone: fc.constantFrom('a', 'b', 'c'),
    taint: fc.option(fc.constantFrom(...effects), { nil: undefined }),
  });
  const podArb = fc.record({
    cpu: fc.integer({ min: 0, max: 2000 }),
    mem: fc.integer({ min: 0, max: 2048 }),
    zone: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
    zonesIn: fc.option(fc.subarray(['a', 'b', 'c'], { minLength: 1 }), { nil: undefined }),
    tolerate: fc.option(fc.constantFrom(undefined, ...effects), { nil: null }),
    hostPort: fc.boolean(),
    owner: fc.option(fc.constantFrom('rs1', 'rs2'), { nil: undefined }),
  });

  it('never over-commits a node and never places on a node that fails a filter', () => {
    fc.assert(
      fc.property(fc.array(nodeArb, { minLength: 0, maxLength: 6 }), fc.array(podArb, { maxLength: 30 }), (ns, ps) => {
        const nodes = ns.map((n, i) =>
          makeNode(`n${i}`, { cpu: `${n.cpu}m`, memory: `${n.mem}Mi`, pods: n.pods, ready: n.ready, unschedulable: n.cordoned, labels: { zone: n.zone }, taints: n.taint ? [{ key: 'dedicated', effect: n.taint }] : undefined }),
        );
        const pending = ps.map((p, i) =>
          makePod(`p${i}`, {
            cpu: `${p.cpu}m`,
            memory: `${p.mem}Mi`,
            nodeSelector: p.zone ? { zone: p.zone } : undefined,
            affinity: p.zonesIn ? required([{ key: 'zone', operator: 'In', values: p.zonesIn }]) : undefined,
            tolerations: p.tolerate === null ? undefined : [{ key: 'dedicated', operator: 'Exists', effect: p.tolerate }],
            hostPort: p.hostPort ? 8080 : undefined,
            owner: p.owner,
          }),
        );
        const r = schedule(nodes, [], pending);
        expect(r.placements.length + r.unschedulable.length).toBe(pending.length);
        const used = new Map<string, { cpu: number; mem: number; pods: number; ports: number }>();
        for (const pl of r.placements) {
          const i = nodes.findIndex((n) => n.metadata.name === pl.node);
          const spec = ns[i]!;
          const j = pending.findIndex((p) => `default/${p.metadata.name}` === pl.pod);
          const pod = pending[j]!;
          const want = ps[j]!;
          expect(spec.ready).toBe(true);
          expect(spec.cordoned).toBe(false);
          if (want.zone) expect(spec.zone).toBe(want.zone);
          if (want.zonesIn) expect(want.zonesIn).toContain(spec.zone);
          if (spec.taint && spec.taint !== 'PreferNoSchedule') {
            expect(want.tolerate, `${pl.pod} on a node tainted ${spec.taint}`).not.toBeNull();
            if (want.tolerate) expect(want.tolerate).toBe(spec.taint);
          }
          const req = podRequests(pod);
          const u = used.get(pl.node) ?? { cpu: 0, mem: 0, pods: 0, ports: 0 };
          u.cpu += req.cpuMillis;
          u.mem += req.memoryBytes;
          u.pods += 1;
          if (want.hostPort) u.ports += 1;
          used.set(pl.node, u);
        }
        for (const [name, u] of used) {
          const node = nodes.find((n) => n.metadata.name === name)!;
          const a = nodeAllocatable(node);
          expect(u.cpu).toBeLessThanOrEqual(a.cpuMillis);
          expect(u.mem).toBeLessThanOrEqual(a.memoryBytes);
          expect(u.pods).toBeLessThanOrEqual(a.pods);
          expect(u.ports).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('explains every refusal with one count per node', () => {
    fc.assert(
      fc.property(fc.array(nodeArb, { minLength: 1, maxLength: 6 }), podArb, (ns, p) => {
        const nodes = ns.map((n, i) => makeNode(`n${i}`, { cpu: `${n.cpu}m`, memory: `${n.mem}Mi`, ready: n.ready, unschedulable: n.cordoned, labels: { zone: n.zone } }));
        const r = schedule(nodes, [], [makePod('p', { cpu: `${p.cpu}m`, memory: `${p.mem}Mi`, nodeSelector: p.zone ? { zone: p.zone } : undefined })]);
        for (const u of r.unschedulable) {
          const m = /^0\/(\d+) nodes are available: (.*)\.$/.exec(u.message);
          expect(m, u.message).not.toBeNull();
          expect(Number(m![1])).toBe(nodes.length);
          const counts = m![2]!.split(', ').map((part) => Number(part.split(' ')[0]));
          expect(counts.reduce((a, b) => a + b, 0)).toBe(nodes.length);
        }
      }),
      { numRuns: 200 },
    );
  });
});
