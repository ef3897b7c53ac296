import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ServiceRulesInput } from '../types.js';
import { planRules } from './plan.js';
import { PlanCache, sameJson, sameRoute } from './plan-cache.js';
import { renderRuleset } from './ruleset.js';
import { testEndpoint as ep, testInput, testNode, testPod as pod, testService as svc } from './testing/inputs.js';

const base = (): ServiceRulesInput =>
  testInput(
    [
      svc('web', '10.43.0.20', { endpoints: [ep('10.42.1.5'), ep('10.42.2.7')] }),
      svc('db', '10.43.0.21', { affinityTimeoutSeconds: 60, endpoints: [ep('10.42.1.6'), ep('10.42.2.8')] }),
      svc('lb', '10.43.0.22', { type: 'LoadBalancer', loadBalancer: true, externalTrafficLocal: true, ports: [{ name: '', protocol: 'TCP', port: 80, nodePort: 30080 }], endpoints: [ep('10.42.1.5')] }),
    ],
    [pod('10.42.1.5'), pod('10.42.1.6')],
  );

type Change = (i: ServiceRulesInput) => ServiceRulesInput;
const changes: Record<string, Change> = {
  flipRemoteEndpoint: (i) => ({ ...i, services: i.services.map((s) => (s.name !== 'web' ? s : { ...s, endpoints: s.endpoints.map((e) => (e.ip === '10.42.2.7' ? { ...e, ready: !e.ready } : e)) })) }),
  flipLocalPod: (i) => ({ ...i, localPods: i.localPods.map((p) => (p.ip === '10.42.1.5' ? { ...p, ready: !p.ready } : p)) }),
  removeLocalPod: (i) => ({ ...i, localPods: i.localPods.filter((p) => p.ip !== '10.42.1.6') }),
  addLocalPod: (i) => (i.localPods.some((p) => p.ip === '10.42.1.6') ? i : { ...i, localPods: [...i.localPods, pod('10.42.1.6')] }),
  removeService: (i) => ({ ...i, services: i.services.filter((s) => s.name !== 'db') }),
  addService: (i) => (i.services.some((s) => s.name === 'db') ? i : { ...i, services: [...i.services, base().services[1]!] }),
  changeNodeIPs: (i) => ({ ...i, node: testNode({ nodeIPs: i.node.nodeIPs.length === 1 ? ['192.0.2.10', '198.51.100.10'] : ['192.0.2.10'] }) }),
  changePort: (i) => ({ ...i, services: i.services.map((s) => (s.name !== 'web' ? s : { ...s, ports: [{ ...s.ports[0]!, port: s.ports[0]!.port === 80 ? 8080 : 80 }] })) }),
};

describe('PlanCache', () => {
  it('plans exactly what planning afresh plans, whatever the sequence of changes', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...Object.keys(changes)), { maxLength: 12 }), (steps) => {
        const cache = new PlanCache();
        let input = base();
        for (const step of ['none', ...steps]) {
          if (step !== 'none') input = changes[step]!(input);
          const cached = planRules(input, 'kedge', cache);
          const fresh = planRules(input);
          expect(renderRuleset(cached.ruleset)).toBe(renderRuleset(fresh.ruleset));
          expect(cached.problems).toEqual(fresh.problems);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('plans again only the Service whose input changed, and forgets Services that are gone', () => {
    const cache = new PlanCache();
    const planned: string[] = [];
    const run = (input: ServiceRulesInput) => {
      cache.begin('ctx');
      for (const s of input.services) cache.part(s, { nodeName: 'n1', localPods: new Map(input.localPods.map((p) => [p.uid, p])) }, () => (planned.push(s.name), { sets: [], chains: [], elements: [], problems: [] }));
      cache.end();
    };
    run(base());
    expect(planned).toEqual(['web', 'db', 'lb']);
    run(changes.flipLocalPod!(base()));
    expect(planned.slice(3)).toEqual(['web', 'lb']);
    run(changes.removeService!(base()));
    expect(cache.size).toBe(2);
  });
});

describe('sameJson', () => {
  it('compares JSON-shaped values deeply, an undefined field like a missing one', () => {
    expect(sameJson({ a: [1, { b: 'x' }], c: undefined }, { a: [1, { b: 'x' }] })).toBe(true);
    expect(sameJson({ a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] })).toBe(false);
    expect(sameJson({ a: [1, 2] }, { a: [1, 2, 3] })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson({ ports: { '': 80 } }, { ports: { '': 80 } })).toBe(true);
    expect(sameJson(null, {})).toBe(false);
  });

  it('is not fooled by a Service changed in place after it was planned', () => {
    const cache = new PlanCache();
    const input = base();
    const first = planRules(input, 'kedge', cache);
    input.services[0]!.endpoints[1]!.ready = false;
    const second = planRules(input, 'kedge', cache);
    expect(renderRuleset(second.ruleset)).not.toBe(renderRuleset(first.ruleset));
    expect(renderRuleset(second.ruleset)).toBe(renderRuleset(planRules(input).ruleset));
  });
});

describe('sameRoute', () => {
  it('sees a change in any field of a Service or of an endpoint', () => {
    const a = base().services[0]!;
    expect(sameRoute(a, structuredClone(a))).toBe(true);
    const variants = [
      { ...a, externalIPs: ['198.51.100.7'] },
      { ...a, affinityTimeoutSeconds: 10 },
      { ...a, ports: [{ ...a.ports[0]!, nodePort: 30001 }] },
      { ...a, endpoints: a.endpoints.slice(1) },
      { ...a, endpoints: [{ ...a.endpoints[0]!, ports: { '': 9090 } }, a.endpoints[1]!] },
      { ...a, endpoints: [{ ...a.endpoints[0]!, terminating: true }, a.endpoints[1]!] },
      { ...a, publishNotReadyAddresses: true },
    ];
    for (const v of variants) expect(sameRoute(a, v)).toBe(false);
  });
});
