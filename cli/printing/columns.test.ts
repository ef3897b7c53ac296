import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../shared/deployment.js';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { humanMemory, nodeRoles, nodeStatus, podReady, podRestarts, podStatus, renderObjects } from './columns.js';

const now = Date.parse('2024-05-01T12:00:00Z');

const node = (over: Partial<Node> = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'pi-1', creationTimestamp: '2024-04-29T12:00:00Z', labels: { 'node-role.kubernetes.io/control-plane': 'true' } },
  spec: {},
  status: {
    conditions: [{ type: 'Ready', status: 'True' }],
    capacity: { cpu: '4', memory: '8135368Ki' },
    addresses: [{ type: 'InternalIP', address: '192.168.1.20' }],
    nodeInfo: { architecture: 'arm64', operatingSystem: 'linux', kernelVersion: '6.6.31', osImage: 'Debian GNU/Linux 12', containerRuntimeVersion: 'containerd://1.7.12', kubeletVersion: 'v0.1.0-kedge' },
  },
  ...over,
});

const pod = (statuses: NonNullable<Pod['status']>['containerStatuses'], phase: 'Running' | 'Pending' | 'Succeeded' | 'Failed' = 'Running', extra: Partial<Pod['metadata']> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'hello-abc', namespace: 'default', creationTimestamp: '2024-05-01T11:56:48Z', ...extra },
  spec: { nodeName: 'pi-1', containers: [{ name: 'a', image: 'busybox:test' }, { name: 'b', image: 'busybox:test' }] },
  status: { phase, podIP: '192.168.1.20', containerStatuses: statuses },
});

const cs = (name: string, state: object, ready: boolean, restartCount = 0) => ({ name, image: 'busybox:test', ready, restartCount, state });

describe('node columns', () => {
  it('shows Ready/NotReady, cordons and roles', () => {
    expect(nodeStatus(node())).toBe('Ready');
    expect(nodeStatus(node({ spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }))).toBe('NotReady,SchedulingDisabled');
    expect(nodeStatus(node({ status: {} }))).toBe('NotReady');
    expect(nodeRoles(node())).toBe('control-plane');
    expect(nodeRoles(node({ metadata: { name: 'x' } }))).toBe('<none>');
  });

  it('renders the plain and wide tables', () => {
    expect(renderObjects('Node', [node()], { wide: false, allNamespaces: false, now })).toBe(
      'NAME   STATUS   ROLES           AGE   VERSION\n' + 'pi-1   Ready    control-plane   2d    v0.1.0-kedge\n',
    );
    const wide = renderObjects('Node', [node()], { wide: true, allNamespaces: false, now }).split('\n');
    expect(wide[0]!.split(/\s{3,}/)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME', 'ARCH', 'CPU', 'MEMORY']);
    expect(wide[1]!.split(/\s{3,}/)).toEqual(['pi-1', 'Ready', 'control-plane', '2d', 'v0.1.0-kedge', '192.168.1.20', 'Debian GNU/Linux 12', '6.6.31', 'containerd://1.7.12', 'arm64', '4', '7.8Gi']);
  });
});

describe('humanMemory', () => {
  it.each([
    ['8135368Ki', '7.8Gi'],
    ['512Mi', '512Mi'],
    ['16Gi', '16Gi'],
    ['1536Mi', '1.5Gi'],
    ['1000', '1000'],
    ['2Ki', '2Ki'],
    ['lots', 'lots'],
  ])('%s → %s', (q, text) => expect(humanMemory(q)).toBe(text));
  it('says <none> without a value', () => expect(humanMemory(undefined)).toBe('<none>'));
});

describe('pod columns', () => {
  it('counts ready containers and restarts', () => {
    const p = pod([cs('a', { running: {} }, true, 2), cs('b', { running: {} }, false, 3)]);
    expect(podReady(p)).toBe('1/2');
    expect(podRestarts(p)).toBe('5');
    expect(podReady(pod(undefined, 'Pending'))).toBe('0/2');
  });

  it('prefers a container reason over the phase', () => {
    expect(podStatus(pod([cs('a', { running: {} }, true), cs('b', { running: {} }, true)]))).toBe('Running');
    expect(podStatus(pod([cs('a', { waiting: { reason: 'CrashLoopBackOff' } }, false, 4), cs('b', { running: {} }, true)]))).toBe('CrashLoopBackOff');
    expect(podStatus(pod([cs('a', { waiting: { reason: 'ErrImagePull' } }, false)], 'Pending'))).toBe('ErrImagePull');
    expect(podStatus(pod([cs('a', { terminated: { exitCode: 0, reason: 'Completed' } }, false)], 'Succeeded'))).toBe('Completed');
    expect(podStatus(pod([cs('a', { terminated: { exitCode: 1, reason: 'Error' } }, false)], 'Failed'))).toBe('Error');
    expect(podStatus(pod([cs('a', { terminated: { exitCode: 137 } }, false)], 'Failed'))).toBe('ExitCode:137');
    expect(podStatus(pod(undefined, 'Pending'))).toBe('Pending');
    expect(podStatus(pod([cs('a', { running: {} }, true)], 'Running', { deletionTimestamp: '2024-05-01T12:00:00Z' }))).toBe('Terminating');
  });

  it('keeps Running when one container completed and another still runs', () => {
    expect(podStatus(pod([cs('a', { terminated: { exitCode: 0, reason: 'Completed' } }, false), cs('b', { running: {} }, true)]))).toBe('Running');
  });

  it('adds IP and NODE when wide, and NAMESPACE first with -A', () => {
    const p = pod([cs('a', { running: {} }, true), cs('b', { running: {} }, true, 1)]);
    expect(renderObjects('Pod', [p], { wide: true, allNamespaces: true, now })).toBe(
      'NAMESPACE   NAME        READY   STATUS    RESTARTS   AGE     IP             NODE\n' +
        'default     hello-abc   2/2     Running   1          3m12s   192.168.1.20   pi-1\n',
    );
  });
});

describe('deployment columns', () => {
  const d: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'hello', namespace: 'default', creationTimestamp: '2024-05-01T07:00:00Z' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'hello' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
      template: { spec: { containers: [{ name: 'hello', image: 'busybox:test' }, { name: 'side', image: 'nginx:1' }] } },
    },
    status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  };
  it('shows ready/desired, up-to-date and available', () => {
    expect(renderObjects('Deployment', [d], { wide: false, allNamespaces: false, now })).toBe(
      'NAME    READY   UP-TO-DATE   AVAILABLE   AGE\n' + 'hello   2/3     3            2           5h\n',
    );
  });
  it('adds containers, images and the selector when wide', () => {
    const row = renderObjects('Deployment', [{ ...d, status: undefined }], { wide: true, allNamespaces: false, now }).split('\n')[1]!;
    expect(row.split(/\s{3,}/)).toEqual(['hello', '0/3', '0', '0', '5h', 'hello,side', 'busybox:test,nginx:1', 'app=hello,tier in (a,b)']);
  });
});

describe('namespace columns', () => {
  it('shows the phase, Active by default', () => {
    const text = renderObjects('Namespace', [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', creationTimestamp: '2024-05-01T11:59:15Z' } }], { wide: false, allNamespaces: false, now });
    expect(text).toBe('NAME      STATUS   AGE\ndefault   Active   45s\n');
  });
});
