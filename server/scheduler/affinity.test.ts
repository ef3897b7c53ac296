import { describe, expect, it } from 'vitest';
import { matchesNodeSelectorAndAffinity, preferredAffinityShare, requirementMatches, termMatches, type NodeSelectorRequirement } from './affinity.js';
import { makeNode, makePod } from './testing/builders.js';

describe('requirementMatches', () => {
  const labels = { zone: 'a', cores: '8', 'gpu': '' };
  const cases: [NodeSelectorRequirement, boolean][] = [
    [{ key: 'zone', operator: 'In', values: ['a', 'b'] }, true],
    [{ key: 'zone', operator: 'In', values: ['b'] }, false],
    [{ key: 'missing', operator: 'In', values: [''] }, false],
    [{ key: 'zone', operator: 'NotIn', values: ['b'] }, true],
    [{ key: 'zone', operator: 'NotIn', values: ['a'] }, false],
    [{ key: 'missing', operator: 'NotIn', values: ['a'] }, true],
    [{ key: 'gpu', operator: 'Exists' }, true],
    [{ key: 'missing', operator: 'Exists' }, false],
    [{ key: 'missing', operator: 'DoesNotExist' }, true],
    [{ key: 'gpu', operator: 'DoesNotExist' }, false],
    [{ key: 'cores', operator: 'Gt', values: ['4'] }, true],
    [{ key: 'cores', operator: 'Gt', values: ['8'] }, false],
    [{ key: 'cores', operator: 'Lt', values: ['16'] }, true],
    [{ key: 'cores', operator: 'Lt', values: ['8'] }, false],
    [{ key: 'zone', operator: 'Gt', values: ['1'] }, false],
    [{ key: 'cores', operator: 'Gt', values: ['x'] }, false],
    [{ key: 'cores', operator: 'Gt', values: ['1', '2'] }, false],
    [{ key: 'missing', operator: 'Lt', values: ['1'] }, false],
  ];
  for (const [r, want] of cases) {
    it(`${r.key} ${r.operator} ${(r.values ?? []).join(',')} → ${want}`, () => expect(requirementMatches(r, labels)).toBe(want));
  }
});

describe('node affinity', () => {
  const node = makeNode('edge-1', { labels: { zone: 'a', 'kubernetes.io/os': 'linux' } });
  it('ANDs the expressions of a term and ORs the terms', () => {
    expect(termMatches({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] }] }, node)).toBe(false);
    const pod = makePod('p', {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] }] },
              { matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] },
            ],
          },
        },
      },
    });
    expect(matchesNodeSelectorAndAffinity(pod, node)).toBe(true);
  });

  it('an empty term matches nothing; matchFields sees the node name', () => {
    expect(termMatches({}, node)).toBe(false);
    expect(termMatches({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['edge-1'] }] }, node)).toBe(true);
    expect(termMatches({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['edge-1'] }] }, node)).toBe(false);
  });

  it('needs both nodeSelector and required affinity', () => {
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Exists' as const }] }] } } };
    expect(matchesNodeSelectorAndAffinity(makePod('p', { affinity, nodeSelector: { zone: 'b' } }), node)).toBe(false);
    expect(matchesNodeSelectorAndAffinity(makePod('p', { affinity, nodeSelector: { zone: 'a' } }), node)).toBe(true);
  });

  it('weighs preferred terms by weight', () => {
    const pod = makePod('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 30, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
            { weight: 70, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } },
          ],
        },
      },
    });
    expect(preferredAffinityShare(pod, node)).toBeCloseTo(0.3);
    expect(preferredAffinityShare(makePod('q'), node)).toBe(0);
  });
});
