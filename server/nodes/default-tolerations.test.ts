import { describe, expect, it } from 'vitest';
import { withDefaultTolerations } from './default-tolerations.js';

describe('withDefaultTolerations', () => {
  it('adds not-ready and unreachable NoExecute tolerations with the default seconds', () => {
    expect(withDefaultTolerations(undefined, 20)).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 },
    ]);
  });

  it('keeps what the pod says about either key, and adds only the other', () => {
    const pinned = [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' as const, effect: 'NoExecute' as const }];
    const out = withDefaultTolerations(pinned, 20);
    expect(out).toEqual([...pinned, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 }]);
  });

  it('a toleration of every key, or of any effect, counts; a NoSchedule one does not', () => {
    const all = [{ operator: 'Exists' as const }];
    expect(withDefaultTolerations(all, 20)).toBe(all);
    const anyEffect = [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' as const }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists' as const }];
    expect(withDefaultTolerations(anyEffect, 20)).toBe(anyEffect);
    expect(withDefaultTolerations([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }], 20)).toHaveLength(3);
  });
});
