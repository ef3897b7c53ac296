import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../shared/deployment.js';
import type { KEvent } from '../../../shared/event.js';
import type { Node } from '../../../shared/node.js';
import type { Pod } from '../../../shared/pod.js';
import type { ReplicaSet } from '../../../shared/replicaset.js';
import { parseArgs } from '../../flags/args.js';
import { describeCommand, describeRequestFromArgs, runDescribe } from './describe.js';
import { describeTime, describeWriter } from '../../printing/describe-writer.js';
import { memoryClient } from '../../connection/testing/memory-client.js';
import { memoryObjectClient } from '../../connection/testing/memory-object-client.js';

const now = Date.parse('2026-01-01T00:10:00Z');
const at = (min: number, sec = 0) => new Date(Date.parse('2026-01-01T00:00:00Z') + min * 60_000 + sec * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

const ev = (name: string, involved: KEvent['involvedObject'], reason: string, message: string, o: Partial<KEvent> = {}): KEvent => ({
  apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: involved.namespace ?? 'default' }, involvedObject: involved, reason, message, type: 'Normal',
  firstTimestamp: at(1), lastTimestamp: at(1), count: 1, ...o,
});

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'default', uid: 'p1', labels: { app: 'web', 'pod-template-hash': 'abc' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs1', controller: true }], creationTimestamp: at(0) },
  spec: {
    nodeName: 'edge-1',
    containers: [{ name: 'web', image: 'busybox:test', command: ['sh', '-c', 'sleep 1d'], resources: { requests: { cpu: '10m', memory: '16Mi' } }, env: [{ name: 'MODE', value: 'edge' }] }],
    tolerations: [
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 },
      { key: 'dedicated', operator: 'Equal', value: 'cam', effect: 'NoSchedule' },
    ],
  },
  status: {
    phase: 'Running', podIP: '10.0.0.5', startTime: at(0, 5),
    conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'web', image: 'busybox:test', ready: true, restartCount: 2, state: { running: { startedAt: at(2) } }, lastState: { terminated: { exitCode: 137, reason: 'Error', startedAt: at(1), finishedAt: at(2) } } }],
  },
};

const node: Node = {
  apiVersion: 'v1', kind: 'Node', metadata: { name: 'edge-1', uid: 'n1', labels: { 'kubernetes.io/arch': 'arm64' }, creationTimestamp: at(0) },
  spec: { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: at(5) }] },
  status: {
    capacity: { cpu: '4', memory: '4Gi', pods: '110' }, allocatable: { cpu: '4', memory: '4Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kedge agent stopped posting node status.', lastTransitionTime: at(5), lastHeartbeatTime: at(4) }],
    addresses: [{ type: 'InternalIP', address: '192.168.1.5' }, { type: 'Hostname', address: 'edge-1' }],
    nodeInfo: { architecture: 'arm64', operatingSystem: 'linux', kernelVersion: '6.1', osImage: 'Debian 12', containerRuntimeVersion: 'containerd://1.7', kubeletVersion: 'v1.30.0+kedge-0.1.0' },
  },
};

const deployment: Deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', uid: 'd1', creationTimestamp: at(0), annotations: { 'deployment.kubernetes.io/revision': '2' } },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'busybox:v2' }] } } },
  status: { replicas: 2, updatedReplicas: 2, availableReplicas: 1, unavailableReplicas: 1, conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }] },
};
const rs = (name: string, revision: string, replicas: number): ReplicaSet => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default', annotations: { 'deployment.kubernetes.io/revision': revision }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true }] },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'web', image: 'x' }] } } }, status: { replicas },
});

function setup() {
  const mc = memoryClient();
  mc.put(pod);
  mc.put(node);
  mc.put(deployment);
  mc.put(rs('web-old', '1', 0));
  mc.put(rs('web-new', '2', 2));
  mc.put(ev('web-1.1', { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'p1' }, 'Scheduled', 'Successfully assigned default/web-1 to edge-1', { source: { component: 'default-scheduler' } }));
  mc.put(ev('web-1.2', { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'p1', fieldPath: 'spec.containers{web}' }, 'BackOff', 'Back-off restarting failed container', { type: 'Warning', source: { component: 'kubelet', host: 'edge-1' }, count: 3, firstTimestamp: at(1), lastTimestamp: at(8) }));
  mc.put(ev('web-1.3', { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'old-uid' }, 'Killing', 'an earlier pod of the same name'));
  mc.put(ev('edge-1.1', { kind: 'Node', name: 'edge-1', uid: 'n1' }, 'NodeNotReady', 'Node edge-1 status is now: NodeNotReady', { source: { component: 'node-controller' }, lastTimestamp: at(5), firstTimestamp: at(5) }));
  const out: string[] = [];
  const err: string[] = [];
  return { client: memoryObjectClient(mc), io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s), now: () => now }, out: () => out.join(''), err: () => err.join('') };
}

const args = (argv: string[]) => parseArgs(argv, describeCommand.flags, { command: 'kedge describe' });

describe('kedge describe', () => {
  it('pod: fields aligned, containers, conditions, tolerations and its own events, oldest first', async () => {
    const s = setup();
    expect(await runDescribe(s.client, describeRequestFromArgs(args(['pod', 'web-1']), undefined), s.io)).toBe(0);
    const text = s.out();
    expect(text).toContain('Name:           web-1\nNamespace:      default\n');
    expect(text).toContain('Node:           edge-1/192.168.1.5\n');
    expect(text).toContain('Labels:         app=web\n                pod-template-hash=abc\n');
    expect(text).toContain('Controlled By:  ReplicaSet/web-abc\n');
    expect(text).toMatch(/ {4}State:\s+Running\n {6}Started:\s+Thu, 01 Jan 2026 00:02:00 \+0000\n {4}Last State:\s+Terminated\n {6}Reason:\s+Error\n {6}Exit Code:\s+137/);
    expect(text).toMatch(/Restart Count:\s+2/);
    expect(text).toMatch(/Requests:\n\s+cpu:\s+10m\n\s+memory:\s+16Mi/);
    expect(text).toContain('Tolerations:     node.kubernetes.io/unreachable:NoExecute op=Exists for 20s\n                 dedicated=cam:NoSchedule\n');
    expect(text).toContain(
      [
        'Events:',
        '  Type     Reason     Age              From               Message',
        '  ----     ------     ----             ----               -------',
        '  Normal   Scheduled  9m               default-scheduler  Successfully assigned default/web-1 to edge-1',
        '  Warning  BackOff    2m (x3 over 9m)  kubelet            Back-off restarting failed container',
      ].join('\n'),
    );
    expect(text).not.toContain('an earlier pod of the same name');
  });

  it('node: taints, conditions, the pods it runs with their requests, and node events from default', async () => {
    const s = setup();
    await runDescribe(s.client, describeRequestFromArgs(args(['node', 'edge-1']), undefined), s.io);
    const text = s.out();
    expect(text).toContain('Taints:             node.kubernetes.io/unreachable:NoExecute\n');
    expect(text).toMatch(/Ready\s+Unknown\s+Thu, 01 Jan 2026 00:04:00 \+0000\s+Thu, 01 Jan 2026 00:05:00 \+0000\s+NodeStatusUnknown/);
    expect(text).toContain('Non-terminated Pods:  (1 in total)');
    expect(text).toMatch(/default\s+web-1\s+10m \(0%\)\s+0 \(0%\)\s+16Mi \(0%\)\s+0 \(0%\)\s+10m/);
    expect(text).toMatch(/Normal\s+NodeNotReady\s+5m\s+node-controller\s+Node edge-1 status is now: NodeNotReady/);
  });

  it('deployment: replicas line, strategy, template, conditions, old and new ReplicaSets', async () => {
    const s = setup();
    await runDescribe(s.client, describeRequestFromArgs(args(['deploy/web']), undefined), s.io);
    const text = s.out();
    expect(text).toContain('Replicas:               2 desired | 2 updated | 2 total | 1 available | 1 unavailable\n');
    expect(text).toContain('RollingUpdateStrategy:  25% max unavailable, 25% max surge\n');
    expect(text).toMatch(/Pod Template:\n {2}Labels:\s+app=web\n {2}Containers:\n {4}web:\n {6}Image:\s+busybox:v2/);
    expect(text).toMatch(/Available\s+False\s+MinimumReplicasUnavailable/);
    expect(text).toContain('OldReplicaSets:  <none>\nNewReplicaSet:   web-new (2/2 replicas created)\nEvents:          <none>\n');
  });

  it('reports missing objects like kubectl and exits 1', async () => {
    const s = setup();
    expect(await runDescribe(s.client, describeRequestFromArgs(args(['pod', 'nope']), undefined), s.io)).toBe(1);
    expect(s.err()).toBe('Error from server (NotFound): pods "nope" not found\n');
  });
});

describe('describe writer', () => {
  it('aligns each run of fields and prints RFC 1123 times', () => {
    const text = describeWriter().field(0, 'A', 'x').field(0, 'Longer', ['1', '2']).text(0, 'Section:').field(1, 'K', 'v').toString();
    expect(text).toBe('A:       x\nLonger:  1\n         2\nSection:\n  K:  v\n');
    expect(describeTime('2026-03-04T05:06:07Z')).toBe('Wed, 04 Mar 2026 05:06:07 +0000');
    expect(describeTime(undefined)).toBe('<unknown>');
  });
});
