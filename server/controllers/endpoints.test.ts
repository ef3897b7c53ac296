import { afterEach, describe, expect, it } from 'vitest';
import type { EndpointSlice, Endpoints } from '../../shared/endpoints.js';
import type { Pod } from '../../shared/pod.js';
import type { Service, ServiceSpec } from '../../shared/service.js';
import { admitService } from '../network/service-admission.js';
import { defaultNetworkSettings } from '../network/settings.js';
import { testCluster, type TestCluster } from './testing/cluster.js';

let c: TestCluster;
afterEach(() => c?.stop());

function addService(name: string, spec: ServiceSpec = {}): Service {
  const s: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }], ...spec } };
  return c.store.create(admitService(s, undefined, { settings: defaultNetworkSettings, claims: c.store.claims })) as Service;
}

function addPod(name: string, o: { ip?: string; ready?: boolean; labels?: Record<string, string> } = {}): Pod {
  return c.store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: o.labels ?? { app: 'web' } },
    spec: { containers: [{ name: 'c', image: 'x' }], nodeName: 'n1' },
    status: { phase: 'Running', ...(o.ip ? { podIP: o.ip, podIPs: [{ ip: o.ip }] } : {}), conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  }) as Pod;
}

/** What a node reports when a pod's readiness probe flips. */
function setReady(name: string, ready: boolean, ip?: string) {
  const p = c.store.get('Pod', 'default', name) as Pod;
  c.store.update({ ...p, status: { ...p.status, ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}), conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } }, { subresource: 'status' });
}

const endpoints = (name = 'web') => c.store.get('Endpoints', 'default', name) as Endpoints | undefined;
const slices = (name = 'web') => c.store.list('EndpointSlice', { namespace: 'default' }).items.filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === name) as EndpointSlice[];
const readyIPs = () => endpoints()?.subsets?.flatMap((s) => s.addresses ?? []).map((a) => a.ip) ?? [];
const notReadyIPs = () => endpoints()?.subsets?.flatMap((s) => s.notReadyAddresses ?? []).map((a) => a.ip) ?? [];

describe('endpoints controller', () => {
  it('writes Endpoints and an owned EndpointSlice for a Service from its pods', async () => {
    c = testCluster();
    addPod('a', { ip: '10.42.0.5' });
    addPod('b', { ip: '10.42.0.6', ready: false });
    addPod('other', { ip: '10.42.0.7', labels: { app: 'db' } });
    const svc = addService('web');
    await c.settle();
    expect(readyIPs()).toEqual(['10.42.0.5']);
    expect(notReadyIPs()).toEqual(['10.42.0.6']);
    const [slice, ...more] = slices();
    expect(more).toEqual([]);
    expect(slice!.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice!.metadata.labels).toEqual({ 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    expect(slice!.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(slice!.endpoints.map((e) => [e.addresses[0], e.conditions?.ready])).toEqual([
      ['10.42.0.5', true],
      ['10.42.0.6', false],
    ]);
  });

  it('follows a pod\'s Ready condition, its address, its labels and its deletion', async () => {
    c = testCluster();
    addService('web');
    addPod('a');
    await c.settle();
    expect(endpoints()).toBeDefined();
    expect(readyIPs()).toEqual([]);
    setReady('a', false, '10.42.0.5');
    await c.settle();
    expect(notReadyIPs()).toEqual(['10.42.0.5']);
    setReady('a', true);
    await c.settle();
    expect(readyIPs()).toEqual(['10.42.0.5']);
    expect(slices()[0]!.endpoints[0]!.conditions?.ready).toBe(true);

    const p = c.store.get('Pod', 'default', 'a') as Pod;
    c.store.update({ ...p, metadata: { ...p.metadata, labels: { app: 'other' } } });
    await c.settle();
    expect(readyIPs()).toEqual([]);
    expect(slices()[0]!.endpoints).toEqual([]);

    const back = c.store.get('Pod', 'default', 'a') as Pod;
    c.store.update({ ...back, metadata: { ...back.metadata, labels: { app: 'web' } } });
    await c.settle();
    expect(readyIPs()).toEqual(['10.42.0.5']);
    c.store.delete('Pod', 'default', 'a');
    await c.settle();
    expect(readyIPs()).toEqual([]);
  });

  it('a terminating pod leaves the ready addresses at once and stays in the slice as terminating', async () => {
    c = testCluster({ nodesStopPods: false });
    addService('web');
    addPod('a', { ip: '10.42.0.5' });
    await c.settle();
    const p = c.store.get('Pod', 'default', 'a') as Pod;
    // Being deleted: its grace period runs while its node stops it.
    c.store.update({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 } });
    await c.settle();
    expect(readyIPs()).toEqual([]);
    expect(notReadyIPs()).toEqual([]);
    expect(slices()[0]!.endpoints[0]!.conditions).toEqual({ ready: false, serving: true, terminating: true });
  });

  it('removes Endpoints and slices with the Service, leaves a selectorless Service\'s Endpoints alone', async () => {
    c = testCluster();
    addService('web');
    addPod('a', { ip: '10.42.0.5' });
    await c.settle();
    c.store.delete('Service', 'default', 'web');
    await c.settle();
    expect(endpoints()).toBeUndefined();
    expect(slices()).toEqual([]);

    addService('ext', { selector: undefined });
    const ep: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 5432 }] }] };
    c.store.create(ep);
    await c.settle();
    expect(endpoints('ext')?.subsets?.[0]?.addresses?.[0]?.ip).toBe('192.0.2.1');
    expect(slices('ext')).toEqual([]);
  });

  it('repairs a slice someone deleted, and writes nothing when nothing changed', async () => {
    c = testCluster();
    addService('web');
    addPod('a', { ip: '10.42.0.5' });
    await c.settle();
    const rv = c.store.currentResourceVersion();
    c.controllers.endpoints.resync();
    await c.settle();
    expect(c.store.currentResourceVersion()).toBe(rv);
    c.store.delete('EndpointSlice', 'default', slices()[0]!.metadata.name!);
    await c.settle();
    expect(slices()[0]?.endpoints[0]?.addresses).toEqual(['10.42.0.5']);
  });
});
