import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { schedule } from './schedule.js';
import { makeNode, makePod } from './testing.js';
import { podRequests, nodeAllocatable } from './resources.js';

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
  const nodeArb = fc.record({
    cpu: fc.integer({ min: 0, max: 4000 }),
    mem: fc.integer({ min: 0, max: 4096 }),
    ready: fc.boolean(),
    cordoned: fc.boolean(),
    zone: fc.constantFrom('a', 'b'),
  });
  const podArb = fc.record({
    cpu: fc.integer({ min: 0, max: 2000 }),
    mem: fc.integer({ min: 0, max: 2048 }),
    zone: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
  });

  it('never over-commits a node and never places on a node that fails a filter', () => {
    fc.assert(
      fc.property(fc.array(nodeArb, { minLength: 0, maxLength: 6 }), fc.array(podArb, { maxLength: 30 }), (ns, ps) => {
        const nodes = ns.map((n, i) => makeNode(`n${i}`, { cpu: `${n.cpu}m`, memory: `${n.mem}Mi`, ready: n.ready, unschedulable: n.cordoned, labels: { zone: n.zone } }));
        const pending = ps.map((p, i) => makePod(`p${i}`, { cpu: `${p.cpu}m`, memory: `${p.mem}Mi`, nodeSelector: p.zone ? { zone: p.zone } : undefined }));
        const r = schedule(nodes, [], pending);
        expect(r.placements.length + r.unschedulable.length).toBe(pending.length);
        const used = new Map<string, { cpu: number; mem: number }>();
        for (const pl of r.placements) {
          const node = nodes.find((n) => n.metadata.name === pl.node)!;
          const pod = pending.find((p) => `default/${p.metadata.name}` === pl.pod)!;
          expect(node.status!.conditions![0]!.status).toBe('True');
          expect(node.spec!.unschedulable).not.toBe(true);
          for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) expect(node.metadata.labels![k]).toBe(v);
          const req = podRequests(pod);
          const u = used.get(pl.node) ?? { cpu: 0, mem: 0 };
          u.cpu += req.cpuMillis;
          u.mem += req.memoryBytes;
          used.set(pl.node, u);
        }
        for (const [name, u] of used) {
          const a = nodeAllocatable(nodes.find((n) => n.metadata.name === name)!);
          expect(u.cpu).toBeLessThanOrEqual(a.cpuMillis);
          expect(u.mem).toBeLessThanOrEqual(a.memoryBytes);
        }
      }),
      { numRuns: 300 },
    );
  });
});
