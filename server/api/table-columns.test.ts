import { describe, expect, it } from 'vitest';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { columnsFor, podStatusText } from './table-columns.js';
import { piNode } from './testing/nodes.js';

const now = Date.parse('2024-05-01T12:00:00Z');

const node = piNode;

const pod = (statuses: NonNullable<Pod['status']>['containerStatuses'], phase: 'Running' | 'Pending' | 'Succeeded' | 'Failed' = 'Running', extra: Partial<Pod['metadata']> = {}, ready?: boolean): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'hello-abc', namespace: 'default', creationTimestamp: '2024-05-01T11:56:48Z', ...extra },
  spec: { nodeName: 'pi-1', containers: [{ name: 'a', image: 'busybox:test' }, { name: 'b', image: 'busybox:test' }] },
  status: { phase, podIP: '192.168.1.20', containerStatuses: statuses, ...(ready === undefined ? {} : { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] }) },
});

const cs = (name: string, state: object, ready: boolean, restartCount = 0) => ({ name, image: 'busybox:test', ready, restartCount, state });

/** One cell of a kind's row, found by its column's name. */
function cell(kind: string, o: Node | Pod, column: string): string | number {
  const cols = columnsFor(kind);
  return cols.cells(o, now)[cols.columns.findIndex((c) => c.name === column)]!;
}

describe('node columns', () => {
  it('shows Ready/NotReady, cordons and roles', () => {
    expect(cell('Node', node(), 'Status')).toBe('Ready');
    expect(cell('Node', node({ spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }), 'Status')).toBe('NotReady,SchedulingDisabled');
    // kubectl: a node that never reported a Ready condition is Unknown.
    expect(cell('Node', node({ status: {} }), 'Status')).toBe('Unknown');
    expect(cell('Node', node(), 'Roles')).toBe('control-plane');
    expect(cell('Node', node({ metadata: { name: 'x' } }), 'Roles')).toBe('<none>');
  });

  it('shows the capacity for people when wide', () => {
    expect(cell('Node', node(), 'CPU')).toBe('4');
    expect(cell('Node', node(), 'Memory')).toBe('7.8Gi');
    expect(cell('Node', node({ status: {} }), 'Memory')).toBe('<none>');
  });
});

describe('pod columns', () => {
  it('counts ready containers and restarts', () => {
    const p = pod([cs('a', { running: {} }, true, 2), cs('b', { running: {} }, false, 3)]);
    expect(cell('Pod', p, 'Ready')).toBe('1/2');
    expect(cell('Pod', p, 'Restarts')).toBe('5');
    expect(cell('Pod', pod(undefined, 'Pending'), 'Ready')).toBe('0/2');
  });

  it('prefers a container reason over the phase', () => {
    expect(podStatusText(pod([cs('a', { running: {} }, true), cs('b', { running: {} }, true)]))).toBe('Running');
    expect(podStatusText(pod([cs('a', { waiting: { reason: 'CrashLoopBackOff' } }, false, 4), cs('b', { running: {} }, true)]))).toBe('CrashLoopBackOff');
    expect(podStatusText(pod([cs('a', { waiting: { reason: 'ErrImagePull' } }, false)], 'Pending'))).toBe('ErrImagePull');
    expect(podStatusText(pod([cs('a', { terminated: { exitCode: 0, reason: 'Completed' } }, false)], 'Succeeded'))).toBe('Completed');
    expect(podStatusText(pod([cs('a', { terminated: { exitCode: 1, reason: 'Error' } }, false)], 'Failed'))).toBe('Error');
    expect(podStatusText(pod([cs('a', { terminated: { exitCode: 137 } }, false)], 'Failed'))).toBe('ExitCode:137');
    expect(podStatusText(pod(undefined, 'Pending'))).toBe('Pending');
    expect(podStatusText(pod([cs('a', { running: {} }, true)], 'Running', { deletionTimestamp: '2024-05-01T12:00:00Z' }))).toBe('Terminating');
  });

  it('as kubectl, the first container with a reason wins', () => {
    expect(podStatusText(pod([cs('a', { waiting: { reason: 'ErrImagePull' } }, false), cs('b', { waiting: { reason: 'CrashLoopBackOff' } }, false)]))).toBe('ErrImagePull');
  });

  it('keeps Running when one container completed and another still runs (NotReady while the pod is not Ready)', () => {
    expect(podStatusText(pod([cs('a', { terminated: { exitCode: 0, reason: 'Completed' } }, false), cs('b', { running: {} }, true)], 'Running', {}, true))).toBe('Running');
    expect(podStatusText(pod([cs('a', { terminated: { exitCode: 0, reason: 'Completed' } }, false), cs('b', { running: {} }, true)], 'Running', {}, false))).toBe('NotReady');
  });

  it('a pod being deleted is Terminating unless it already finished, Unknown when its node was lost', () => {
    const deleting = { deletionTimestamp: '2024-05-01T12:00:00Z' };
    expect(podStatusText(pod([cs('a', { terminated: { exitCode: 0, reason: 'Completed' } }, false)], 'Succeeded', deleting))).toBe('Completed');
    const lost = pod([cs('a', { running: {} }, true)], 'Running', deleting);
    expect(podStatusText({ ...lost, status: { ...lost.status, reason: 'NodeLost' } })).toBe('Unknown');
  });
});
