import { describe, expect, it } from 'vitest';
import { deploymentLimits, maxUnavailableForAvailability, scaledValue } from './int-or-percent.js';
import { deploymentOf } from './testing/cluster.js';

describe('scaledValue', () => {
  it.each([
    [1, '25%', 10, true, 1],
    ['25%', '25%', 10, true, 3],
    ['25%', '25%', 10, false, 2],
    ['0%', '25%', 10, true, 0],
    [undefined, '25%', 3, true, 1],
    [undefined, '25%', 3, false, 0],
    ['100%', 1, 7, false, 7],
  ] as const)('%s of %s (default %s) → %s', (v, fallback, total, up, want) => {
    expect(scaledValue(v, fallback, total, up)).toBe(want);
  });
});

describe('deploymentLimits (Kubernetes ResolveFenceposts)', () => {
  it('defaults to 25% surge rounded up and 25% unavailable rounded down', () => {
    expect(deploymentLimits(deploymentOf({ replicas: 10 }))).toEqual({ maxSurge: 3, maxUnavailable: 2 });
    expect(deploymentLimits(deploymentOf({ replicas: 3 }))).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });
  it('lets one pod be unavailable when both round to 0', () => {
    expect(deploymentLimits(deploymentOf({ replicas: 1, strategy: { rollingUpdate: { maxSurge: '0%', maxUnavailable: '10%' } } }))).toEqual({ maxSurge: 0, maxUnavailable: 1 });
  });
  it('Recreate needs every replica for the Available condition', () => {
    expect(maxUnavailableForAvailability(deploymentOf({ replicas: 4, strategy: { type: 'Recreate' } }))).toBe(0);
    expect(maxUnavailableForAvailability(deploymentOf({ replicas: 4, strategy: { rollingUpdate: { maxUnavailable: 9 } } }))).toBe(4);
  });
});
