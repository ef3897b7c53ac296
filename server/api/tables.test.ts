import { describe, expect, it } from 'vitest';
import type { KObject } from '../../shared/meta.js';
import { kinds } from '../../shared/kinds.js';
import { formatDuration as humanDuration } from '../../shared/age.js';
import { columnsFor, selectorText } from './table-columns.js';
import type { Table } from '../../shared/table.js';
import { tableRequest, toTable } from './tables.js';
import { deploymentManifest, podManifest, testApi } from './testing/fixtures.js';

const kubectlAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const now = Date.parse('2024-05-01T12:00:00Z');

describe('tableRequest', () => {
  it('follows the Accept order as Kubernetes negotiates', () => {
    expect(tableRequest(kubectlAccept, undefined)).toEqual({ version: 'v1', includeObject: 'Metadata' });
    expect(tableRequest('application/json;as=Table;v=v1beta1;g=meta.k8s.io', 'Object')).toEqual({ version: 'v1beta1', includeObject: 'Object' });
    expect(tableRequest('application/json', undefined)).toBeUndefined();
    expect(tableRequest('application/json, application/json;as=Table;v=v1;g=meta.k8s.io', undefined)).toBeUndefined();
    expect(tableRequest('application/json;as=Table;v=v9;g=meta.k8s.io,application/json', undefined)).toBeUndefined();
    expect(() => tableRequest(kubectlAccept, 'All')).toThrow('includeObject: "All" must be None, Metadata or Object');
  });
});

describe('Table responses', () => {
  it('lists pods with kubectl\'s columns, wide ones at priority 1, metadata embedded', async () => {
    const t = testApi();
    await t.call('POST', '/api/v1/namespaces/default/pods', podManifest('web-1', { app: 'web' }));
    const res = await t.call('GET', '/api/v1/namespaces/default/pods?limit=500', undefined, { accept: kubectlAccept });
    expect(res.headers.get('content-type')).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
    const table = (await res.json()) as Table;
    expect(table).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(table.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(table.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(table.columnDefinitions.filter((c) => c.priority === 1).map((c) => c.name)).toEqual(['IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    expect(table.rows[0]!.cells.slice(0, 4)).toEqual(['web-1', '0/1', 'Pending', '0']);
    expect(table.rows[0]!.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' } } });
  });

  it('honours includeObject and answers one object as a one-row Table', async () => {
    const t = testApi();
    await t.call('POST', '/apis/apps/v1/namespaces/default/deployments', deploymentManifest('web', 2));
    const none = (await (await t.call('GET', '/apis/apps/v1/namespaces/default/deployments?includeObject=None', undefined, { accept: kubectlAccept })).json()) as Table;
    expect(none.rows[0]!.object).toBeUndefined();
    const one = (await (await t.call('GET', '/apis/apps/v1/namespaces/default/deployments/web?includeObject=Object', undefined, { accept: kubectlAccept })).json()) as Table;
    expect(one.rows).toHaveLength(1);
    expect(one.rows[0]!.cells.slice(0, 4)).toEqual(['web', '0/2', 0, 0]);
    expect(one.rows[0]!.cells.slice(5)).toEqual(['web', 'nginx:1.27', 'app=web']);
    expect(one.rows[0]!.object).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 2 } });
  });

  it('plain JSON stays the default', async () => {
    const t = testApi();
    const res = await t.call('GET', '/api/v1/namespaces/default/pods');
    expect((await res.json()).kind).toBe('PodList');
  });

  it('a watch sends one-row Tables, column definitions only in the first event', async () => {
    const t = testApi();
    await t.call('POST', '/api/v1/namespaces/default/pods', podManifest('a'));
    await t.call('POST', '/api/v1/namespaces/default/pods', podManifest('b'));
    const res = await t.call('GET', '/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1', undefined, { accept: kubectlAccept });
    const events = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: Table });
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'ADDED']);
    expect(events.map((e) => e.object.kind)).toEqual(['Table', 'Table']);
    expect(events[0]!.object.columnDefinitions.length).toBeGreaterThan(0);
    expect(events[1]!.object.columnDefinitions).toEqual([]);
    expect(events[1]!.object.rows[0]!.cells[0]).toBe('b');
  });
});

describe('columns', () => {
  it('every kind kedge serves has a row as long as its columns', () => {
    const samples: Record<string, KObject> = {
      Pod: podManifest('p'),
      Deployment: deploymentManifest('d'),
      ReplicaSet: { ...deploymentManifest('r'), kind: 'ReplicaSet' },
      DaemonSet: { ...deploymentManifest('ds'), kind: 'DaemonSet' },
      Event: { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'p' }, reason: 'Started', message: 'ok', type: 'Normal' } as KObject,
    };
    for (const k of kinds) {
      const o = samples[k.kind] ?? ({ apiVersion: k.apiVersion, kind: k.kind, metadata: { name: 'x' } } as KObject);
      const cols = columnsFor(k.kind);
      expect(cols.cells(o, now), k.kind).toHaveLength(cols.columns.length);
    }
  });

  it('pods: kubectl\'s STATUS and RESTARTS', () => {
    const pod = {
      ...podManifest('p'),
      metadata: { name: 'p', creationTimestamp: '2024-05-01T11:00:00Z' },
      status: {
        phase: 'Running',
        podIP: '10.0.0.5',
        containerStatuses: [{ name: 'web', image: 'x', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: '2024-05-01T11:58:00Z' } } }],
      },
      spec: { nodeName: 'edge-1', containers: [{ name: 'web', image: 'x' }] },
    } as KObject;
    expect(columnsFor('Pod').cells(pod, now)).toEqual(['p', '0/1', 'CrashLoopBackOff', '3 (2m ago)', '60m', '10.0.0.5', 'edge-1', '<none>', '<none>']);
  });

  it('events name the object as kind/name; nodes show roles and status', () => {
    const ev = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'p.1' }, involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{web}' }, reason: 'BackOff', message: 'restarting', type: 'Warning', lastTimestamp: '2024-05-01T11:59:30Z', count: 4, source: { component: 'kedge-agent', host: 'edge-1' } } as KObject;
    expect(columnsFor('Event').cells(ev, now)).toEqual(['30s', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{web}', 'kedge-agent, edge-1', 'restarting', '30s', 4, 'p.1']);
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi', labels: { 'node-role.kubernetes.io/control-plane': 'true' } }, spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'True' }] } } as KObject;
    expect(columnsFor('Node').cells(node, now).slice(0, 3)).toEqual(['pi', 'Ready,SchedulingDisabled', 'control-plane']);
  });

  it('selectors and durations read as kubectl writes them', () => {
    expect(selectorText({ matchLabels: { tier: 'web', app: 'x' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['b', 'a'] }, { key: 'legacy', operator: 'DoesNotExist' }] })).toBe('app=x,env in (a,b),!legacy,tier=web');
    expect([90_000, 200_000, 3 * 3600_000 + 600_000, 50 * 3600_000].map(humanDuration)).toEqual(['90s', '3m20s', '3h10m', '2d2h']);
    expect(toTable('Pod', [], { version: 'v1', includeObject: 'None' }, { now, headers: false }).columnDefinitions).toEqual([]);
  });
});
