import { describe, expect, it } from 'vitest';
import { renderObjects } from './columns.js';

const now = Date.parse('2026-01-01T00:10:00Z');

describe('workload tables', () => {
  it('prints ReplicaSets as kubectl does', () => {
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-abc', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'web', image: 'web:v1' }] } } },
      status: { replicas: 3, readyReplicas: 2 },
    };
    expect(renderObjects('ReplicaSet', [rs], { wide: false, allNamespaces: false, now })).toBe('NAME      DESIRED   CURRENT   READY   AGE\nweb-abc   3         3         2       10m\n');
  });

  it('prints DaemonSets with their node selector', () => {
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'col', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { selector: { matchLabels: { app: 'col' } }, template: { spec: { nodeSelector: { sensor: 'yes' }, containers: [{ name: 'c', image: 'col:v1' }] } } },
      status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1, numberMisscheduled: 0 },
    };
    const out = renderObjects('DaemonSet', [ds], { wide: true, allNamespaces: false, now });
    expect(out.split('\n')[0]).toBe('NAME   DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE   CONTAINERS   IMAGES   SELECTOR');
    expect(out.split('\n')[1]).toMatch(/^col\s+2\s+2\s+1\s+2\s+1\s+sensor=yes\s+10m\s+c\s+col:v1\s+app=col$/);
  });
});
