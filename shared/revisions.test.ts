import { describe, expect, it } from 'vitest';
import type { PodTemplate } from './pod.js';
import { equalIgnoringHash, revisionOf, withoutHashLabel } from './revisions.js';

const t = (extra: Record<string, unknown> = {}, labels: Record<string, string> = { app: 'web' }): PodTemplate =>
  ({ metadata: { labels }, spec: { containers: [{ name: 'web', image: 'web:v1', ...extra }] } }) as PodTemplate;

describe('revisions', () => {
  it('compares templates without the pod-template-hash label and without empty fields a Go client adds', () => {
    expect(equalIgnoringHash(t({}, { app: 'web', 'pod-template-hash': 'abc' }), t())).toBe(true);
    expect(equalIgnoringHash(t({ resources: {}, env: [] }), t())).toBe(true);
    expect(equalIgnoringHash({ ...t(), metadata: { labels: { app: 'web' }, creationTimestamp: null } as never }, t())).toBe(true);
    expect(equalIgnoringHash(t({ image: 'web:v2' }), t())).toBe(false);
    expect(equalIgnoringHash(t({ resources: { limits: { cpu: '1' } } }), t())).toBe(false);
  });

  it('reads revisions and strips the hash label from a copy', () => {
    expect(revisionOf({ metadata: { annotations: { 'deployment.kubernetes.io/revision': '12' } } })).toBe(12);
    expect(revisionOf({ metadata: {} })).toBe(0);
    const withHash = t({}, { app: 'web', 'pod-template-hash': 'abc' });
    expect(withoutHashLabel(withHash).metadata?.labels).toEqual({ app: 'web' });
    expect(withHash.metadata?.labels?.['pod-template-hash']).toBe('abc');
  });
});
