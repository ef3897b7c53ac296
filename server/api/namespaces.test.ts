/** Namespaces: the system ones, deletion of everything inside, no new content while Terminating. */
import { afterEach, describe, expect, it } from 'vitest';
import type { KObject } from '../../shared/meta.js';
import type { Pod } from '../../shared/pod.js';
import { startControllers } from '../controllers/manager.js';
import { applyPodStatusReport } from '../nodes/pod-status.js';
import { makeNode } from '../scheduler/testing/builders.js';
import { openStore } from '../store/store.js';
import { ensureSystemNamespaces, systemNamespaces } from './namespaces.js';
import { deploymentManifest, podManifest, testApi } from './testing/fixtures.js';

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((s) => s()));

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

describe('system namespaces', () => {
  it('default, kube-system, kube-public and kube-node-lease exist from the first start', async () => {
    const { call } = testApi();
    const list = await (await call('GET', '/api/v1/namespaces')).json();
    expect(list.items.map((n: KObject) => n.metadata.name).sort()).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(list.items.every((n: { status: { phase: string } }) => n.status.phase === 'Active')).toBe(true);
  });

  it('are added to a data dir from an older kedge that lacks them, and left alone when there', () => {
    const store = openStore(':memory:');
    const before = store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: { mine: 'yes' } } });
    ensureSystemNamespaces(store);
    ensureSystemNamespaces(store);
    expect(store.list('Namespace').items.map((n) => n.metadata.name).sort()).toEqual([...systemNamespaces].sort());
    expect(store.get('Namespace', '', 'default')).toEqual(before);
    store.close();
  });

  it('cannot be deleted (403, Kubernetes\' message)', async () => {
    const { call, store } = testApi();
    for (const name of systemNamespaces) {
      const res = await call('DELETE', `/api/v1/namespaces/${name}`);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ reason: 'Forbidden', message: `namespaces "${name}" is forbidden: this namespace may not be deleted` });
      expect(store.get('Namespace', '', name)?.metadata.deletionTimestamp).toBeUndefined();
    }
  });

  it('take the docs\' fluentd DaemonSet into kube-system', async () => {
    const { call, store } = testApi();
    const res = await call('POST', '/apis/apps/v1/namespaces/kube-system/daemonsets', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'fluentd-elasticsearch', namespace: 'kube-system', labels: { 'k8s-app': 'fluentd-logging' } },
      spec: {
        selector: { matchLabels: { name: 'fluentd-elasticsearch' } },
        template: {
          metadata: { labels: { name: 'fluentd-elasticsearch' } },
          spec: {
            tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }, { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' }],
            containers: [{ name: 'fluentd-elasticsearch', image: 'quay.io/fluentd_elasticsearch/fluentd:v2.5.2', resources: { limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } }, volumeMounts: [{ name: 'varlog', mountPath: '/var/log' }] }],
            terminationGracePeriodSeconds: 30,
            volumes: [{ name: 'varlog', hostPath: { path: '/var/log' } }],
          },
        },
      },
    });
    expect(res.status).toBe(201);
    expect(store.get('DaemonSet', 'kube-system', 'fluentd-elasticsearch')).toBeDefined();
  });
});

describe('deleting a namespace', () => {
  function setup() {
    const api = testApi();
    api.store.create(makeNode('edge-1'));
    const controllers = startControllers({ store: api.store, publish: async () => {}, resyncMs: 3_600_000, log: () => {} });
    stops.push(() => controllers.stop());
    return { ...api, settle: () => controllers.idle() };
  }

  it('deletes everything inside; the namespace stays Terminating while a pod stops on its node, then goes', async () => {
    const { call, store, settle } = setup();
    await call('POST', '/api/v1/namespaces', ns('prod'));
    await call('POST', '/api/v1/namespaces/prod/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } });
    await call('POST', '/apis/apps/v1/namespaces/prod/deployments', deploymentManifest('d', 2));
    const bound = podManifest('on-node') as Pod;
    await call('POST', '/api/v1/namespaces/prod/pods', { ...bound, spec: { ...bound.spec, nodeName: 'edge-1' } });
    await settle();
    expect(store.list('Pod', { namespace: 'prod' }).items).toHaveLength(3);

    const res = await call('DELETE', '/api/v1/namespaces/prod');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: 'Namespace', metadata: { name: 'prod', deletionTimestamp: expect.any(String) }, status: { phase: 'Terminating' } });
    await settle();
    for (const kind of ['ConfigMap', 'Deployment', 'ReplicaSet']) expect(store.list(kind, { namespace: 'prod' }).items).toEqual([]);
    // The pods (the deployment's were scheduled to edge-1 too) are Terminating, waiting for their node.
    const going = store.list('Pod', { namespace: 'prod' }).items;
    expect(going).toHaveLength(3);
    expect(going.every((p) => p.metadata.deletionTimestamp)).toBe(true);
    const table = await (await call('GET', '/api/v1/namespaces/prod', undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' })).json();
    expect(table.rows[0].cells[1]).toBe('Terminating');

    const refused = await call('POST', '/api/v1/namespaces/prod/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } });
    expect(refused.status).toBe(403);
    expect((await refused.json()).message).toBe('configmaps "late" is forbidden: unable to create new content in namespace prod because it is being terminated');

    const containerStatuses = [{ name: 'web', image: 'nginx:1.27', ready: false, restartCount: 0, state: { terminated: { exitCode: 0 } } }];
    const stopped = (p: KObject) => ({ namespace: 'prod', name: p.metadata.name!, uid: p.metadata.uid!, status: { phase: 'Succeeded' as const, containerStatuses } });
    applyPodStatusReport(store, 'edge-1', { node: 'edge-1', pods: going.slice(0, 2).map(stopped) });
    await settle();
    expect(store.list('Pod', { namespace: 'prod' }).items).toHaveLength(1);
    expect(store.get('Namespace', '', 'prod')?.status).toEqual({ phase: 'Terminating' });
    applyPodStatusReport(store, 'edge-1', { node: 'edge-1', pods: going.slice(2).map(stopped) });
    await settle();
    expect(store.list('Pod', { namespace: 'prod' }).items).toEqual([]);
    expect(store.get('Namespace', '', 'prod')).toBeUndefined();
    expect((await call('GET', '/api/v1/namespaces/prod')).status).toBe(404);
  });

  it('an empty namespace goes within the request; one held by a finalizer of its own waits for it', async () => {
    const { call, store } = setup();
    await call('POST', '/api/v1/namespaces', ns('empty'));
    const res = await call('DELETE', '/api/v1/namespaces/empty');
    expect((await res.json()).status.phase).toBe('Terminating');
    expect(store.get('Namespace', '', 'empty')).toBeUndefined();

    await call('POST', '/api/v1/namespaces', { ...ns('kept'), metadata: { name: 'kept', finalizers: ['example.com/hold'] } });
    await call('DELETE', '/api/v1/namespaces/kept');
    expect(store.get('Namespace', '', 'kept')).toMatchObject({ spec: { finalizers: [] }, status: { phase: 'Terminating' } });
    await call('PATCH', '/api/v1/namespaces/kept', [{ op: 'remove', path: '/metadata/finalizers' }], { 'content-type': 'application/json-patch+json' });
    expect(store.get('Namespace', '', 'kept')).toBeUndefined();
  });

  it('an object inside held by a finalizer holds the namespace until it is let go', async () => {
    const { call, store, settle } = setup();
    await call('POST', '/api/v1/namespaces', ns('prod'));
    await call('POST', '/api/v1/namespaces/prod/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await call('DELETE', '/api/v1/namespaces/prod');
    await settle();
    expect(store.get('ConfigMap', 'prod', 'held')?.metadata.deletionTimestamp).toBeDefined();
    // The namespace controller's hold cannot be taken away by an update.
    const live = store.get('Namespace', '', 'prod')!;
    await call('PUT', '/api/v1/namespaces/prod', { ...live, spec: { finalizers: [] } });
    expect(store.get('Namespace', '', 'prod')).toMatchObject({ spec: { finalizers: ['kubernetes'] } });

    await call('PATCH', '/api/v1/namespaces/prod/configmaps/held', [{ op: 'remove', path: '/metadata/finalizers' }], { 'content-type': 'application/json-patch+json' });
    await settle();
    expect(store.get('Namespace', '', 'prod')).toBeUndefined();
  });
});
