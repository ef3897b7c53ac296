import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../shared/pod.js';
import { planDrain } from './drain-plan.js';

const pod = (name: string, o: { owner?: string; phase?: 'Succeeded' | 'Failed'; emptyDir?: boolean } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: name, ownerReferences: o.owner ? [{ apiVersion: 'apps/v1', kind: o.owner, name: 'x', uid: 'x', controller: true }] : undefined },
  spec: { nodeName: 'edge-1', containers: [{ name: 'c', image: 'i' }], volumes: o.emptyDir ? [{ name: 'scratch', emptyDir: {} }] : undefined },
  status: o.phase ? { phase: o.phase } : undefined,
});

const names = (ps: Pod[]) => ps.map((p) => p.metadata.name);
const none = { ignoreDaemonsets: false, force: false, deleteEmptydirData: false };

describe('planDrain', () => {
  const pods = [pod('web', { owner: 'ReplicaSet' }), pod('collector', { owner: 'DaemonSet' }), pod('bare'), pod('done', { phase: 'Succeeded' }), pod('cache', { owner: 'ReplicaSet', emptyDir: true })];

  it('refuses DaemonSet pods, bare pods and emptyDir data without their flags, naming them', () => {
    const p = planDrain(pods, none);
    expect(p.errors).toEqual([
      'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/collector',
      'cannot delete Pods that declare no controller (use --force to override): default/bare',
      'cannot delete Pods with local storage (use --delete-emptydir-data to override): default/cache',
    ]);
  });

  it('with the flags: skips DaemonSet pods, deletes the rest, and warns', () => {
    const p = planDrain(pods, { ignoreDaemonsets: true, force: true, deleteEmptydirData: true });
    expect(p.errors).toEqual([]);
    expect(names(p.delete)).toEqual(['bare', 'cache', 'done', 'web']);
    expect(p.warnings).toEqual(['ignoring DaemonSet-managed Pods: default/collector', 'deleting Pods that declare no controller: default/bare']);
  });

  it('finished pods always go; managed pods need no flag', () => {
    const p = planDrain([pod('web', { owner: 'ReplicaSet' }), pod('done', { phase: 'Failed' }), pod('ds-done', { owner: 'DaemonSet', phase: 'Succeeded' })], none);
    expect(p.errors).toEqual([]);
    expect(names(p.delete)).toEqual(['done', 'ds-done', 'web']);
  });
});
