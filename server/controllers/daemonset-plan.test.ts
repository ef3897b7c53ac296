import { describe, expect, it } from 'vitest';
import type { DaemonSet } from '../../shared/daemonset.js';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { makeNode } from '../scheduler/testing/builders.js';
import { planDaemonSet, revisionHashLabel } from './daemonset-plan.js';
import { templateHash } from './template-hash.js';
import { seededRandom } from './testing/cluster.js';

const now = new Date('2026-01-01T00:01:00Z');

function ds(o: { image?: string; nodeSelector?: Record<string, string>; strategy?: DaemonSet['spec']['updateStrategy']; tolerations?: NonNullable<Pod['spec']['tolerations']> } = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default', uid: 'ds-uid', generation: 1 },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: o.image ?? 'agent:v1' }], nodeSelector: o.nodeSelector, tolerations: o.tolerations } },
      ...(o.strategy ? { updateStrategy: o.strategy } : {}),
    },
  };
}

function daemonPod(d: DaemonSet, node: string, o: { ready?: boolean; hash?: string; name?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name ?? `agent-${node}`,
      namespace: 'default',
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { app: 'agent', [revisionHashLabel]: o.hash ?? templateHash(d.spec.template) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'ds-uid', controller: true }],
    },
    spec: { nodeName: node, containers: [{ name: 'c', image: 'x' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
  };
}

const nodesOf = (names: string[], labels: Record<string, string> = {}): Node[] => names.map((n) => makeNode(n, { labels }));
const where = (ps: Pod[]) => ps.map((p) => p.spec.nodeName).sort();

describe('planDaemonSet membership', () => {
  it('puts one pod, bound to its node, on every node, NotReady and cordoned ones included', () => {
    const nodes = [makeNode('a'), makeNode('b', { ready: false }), makeNode('c', { unschedulable: true })];
    const p = planDaemonSet(ds(), nodes, [], now, seededRandom());
    expect(where(p.create)).toEqual(['a', 'b', 'c']);
    const pod = p.create[0]!;
    expect(pod.metadata.name).toMatch(/^agent-[a-z0-9]{5}$/);
    expect(pod.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DaemonSet', uid: 'ds-uid', controller: true });
    expect(pod.spec.tolerations).toContainEqual({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' });
    expect(pod.spec.tolerations).toContainEqual({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' });
    expect(p.status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 0, numberMisscheduled: 0, numberAvailable: 0, numberUnavailable: 3 });
  });

  it('honours nodeSelector, required affinity and taints', () => {
    const d = ds({ nodeSelector: { sensor: 'yes' } });
    d.spec.template.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] }] } } };
    const nodes = [
      makeNode('yes', { labels: { sensor: 'yes' } }),
      makeNode('no', { labels: { sensor: 'no' } }),
      makeNode('arm', { labels: { sensor: 'yes', 'kubernetes.io/arch': 'arm64' } }),
      makeNode('tainted', { labels: { sensor: 'yes' }, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }),
    ];
    expect(where(planDaemonSet(d, nodes, [], now).create)).toEqual(['yes']);
    const tolerant = { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, tolerations: [{ key: 'dedicated', operator: 'Exists' as const }] } } } };
    expect(where(planDaemonSet(tolerant, nodes, [], now).create)).toEqual(['tainted', 'yes']);
  });

  it('a node that loses the label loses its pod; a NoSchedule taint added later keeps it; NoExecute evicts it', () => {
    const d = ds({ nodeSelector: { sensor: 'yes' } });
    const nodes = [
      makeNode('lost', { labels: { sensor: 'no' } }),
      makeNode('nosched', { labels: { sensor: 'yes' }, taints: [{ key: 'k', effect: 'NoSchedule' }] }),
      makeNode('noexec', { labels: { sensor: 'yes' }, taints: [{ key: 'k', effect: 'NoExecute' }] }),
    ];
    const pods = ['lost', 'nosched', 'noexec'].map((n) => daemonPod(d, n));
    const p = planDaemonSet(d, nodes, pods, now);
    expect(where(p.delete)).toEqual(['lost', 'noexec']);
    expect(p.create).toEqual([]);
    expect(p.status).toMatchObject({ desiredNumberScheduled: 0, numberMisscheduled: 3 });
  });

  it('removes pods of nodes that are gone, duplicates and finished pods (replacing those)', () => {
    const d = ds();
    const failed = { ...daemonPod(d, 'a', { name: 'agent-failed' }), status: { phase: 'Failed' as const } };
    const pods = [daemonPod(d, 'gone'), daemonPod(d, 'b', { name: 'agent-b1' }), { ...daemonPod(d, 'b', { name: 'agent-b2' }), metadata: { ...daemonPod(d, 'b').metadata, name: 'agent-b2', creationTimestamp: '2026-01-01T00:00:30Z' } }, failed];
    const p = planDaemonSet(d, nodesOf(['a', 'b']), pods, now);
    expect(p.delete.map((x) => x.metadata.name).sort()).toEqual(['agent-b2', 'agent-failed', 'agent-gone']);
    expect(where(p.create)).toEqual(['a']);
  });
});

describe('planDaemonSet rolling update', () => {
  const v1 = ds();
  const v2 = ds({ image: 'agent:v2' });
  const oldPods = (names: string[], ready = true) => names.map((n) => daemonPod(v2, n, { hash: templateHash(v1.spec.template), ready }));

  it('replaces maxUnavailable (default 1) available pods at a time', () => {
    const p = planDaemonSet(v2, nodesOf(['a', 'b', 'c']), oldPods(['a', 'b', 'c']), now);
    expect(where(p.delete)).toEqual(['a']);
    expect(p.status).toMatchObject({ updatedNumberScheduled: 0, numberAvailable: 3 });
  });

  it('waits while a node has no available pod, and replaces unavailable old pods at once', () => {
    const waiting = planDaemonSet(v2, nodesOf(['a', 'b', 'c']), [daemonPod(v2, 'a', { ready: false }), ...oldPods(['b', 'c'])], now);
    expect(waiting.delete).toEqual([]);
    const broken = planDaemonSet(v2, nodesOf(['a', 'b', 'c']), [daemonPod(v2, 'a', { ready: false }), ...oldPods(['b']), ...oldPods(['c'], false)], now);
    expect(where(broken.delete)).toEqual(['c']);
  });

  it('maxUnavailable 50% of 4 nodes replaces two at a time; OnDelete replaces none', () => {
    const half = ds({ image: 'agent:v2', strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%' } } });
    expect(planDaemonSet(half, nodesOf(['a', 'b', 'c', 'd']), oldPods(['a', 'b', 'c', 'd']), now).delete).toHaveLength(2);
    const onDelete = ds({ image: 'agent:v2', strategy: { type: 'OnDelete' } });
    expect(planDaemonSet(onDelete, nodesOf(['a', 'b']), oldPods(['a', 'b']), now).delete).toEqual([]);
  });

  it('with maxSurge the new pod starts beside the old one, which goes once the new is available', () => {
    const surge = ds({ image: 'agent:v2', strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    const start = planDaemonSet(surge, nodesOf(['a', 'b']), oldPods(['a', 'b']), now);
    expect(where(start.create)).toEqual(['a']);
    expect(start.delete).toEqual([]);
    const newA = daemonPod(surge, 'a', { name: 'agent-new-a', ready: false });
    expect(planDaemonSet(surge, nodesOf(['a', 'b']), [...oldPods(['a', 'b']), newA], now)).toMatchObject({ create: [], delete: [] });
    const readyA = daemonPod(surge, 'a', { name: 'agent-new-a' });
    const done = planDaemonSet(surge, nodesOf(['a', 'b']), [...oldPods(['a', 'b']), readyA], now);
    expect(done.delete.map((x) => x.metadata.name)).toEqual(['agent-a']);
    expect(where(done.create)).toEqual(['b']);
  });
});
