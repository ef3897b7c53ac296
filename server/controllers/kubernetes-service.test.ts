import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterServices } from '../../shared/cluster-network.js';
import type { EndpointSlice, Endpoints } from '../../shared/endpoints.js';
import type { Service } from '../../shared/service.js';
import { testCluster, type TestCluster } from './testing/cluster.js';

let c: TestCluster;
afterEach(() => c?.stop());

describe('the kubernetes Service', () => {
  it('points the service range\'s first address, port 443, at the API', async () => {
    c = testCluster({ apiEndpoint: { ip: '192.0.2.1', port: 6443 } });
    await c.settle();
    const svc = c.store.get('Service', 'default', 'kubernetes') as Service;
    expect(svc.metadata.labels).toEqual({ component: 'apiserver', provider: 'kubernetes' });
    expect(svc.spec).toMatchObject({ type: 'ClusterIP', clusterIP: '10.43.0.1', clusterIPs: ['10.43.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] });
    expect((c.store.get('Endpoints', 'default', 'kubernetes') as Endpoints).subsets).toEqual([{ addresses: [{ ip: '192.0.2.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
    expect((c.store.get('EndpointSlice', 'default', 'kubernetes') as EndpointSlice).endpoints).toEqual([{ addresses: ['192.0.2.1'], conditions: { ready: true, serving: true, terminating: false } }]);
    const services = (JSON.parse(c.published.filter((m) => m.topic === 'kedge/v1/cluster/services').at(-1)!.payload) as ClusterServices).services;
    expect(services.find((s) => s.name === 'kubernetes')).toMatchObject({ clusterIP: '10.43.0.1', ports: [{ name: 'https', port: 443 }], endpoints: [{ ip: '192.0.2.1', ready: true, ports: { https: 6443 } }] });
  });

  it('puts them back when deleted or edited', async () => {
    c = testCluster({ apiEndpoint: { ip: '192.0.2.1', port: 6443 } });
    await c.settle();
    c.store.delete('Service', 'default', 'kubernetes');
    c.store.delete('Endpoints', 'default', 'kubernetes');
    await c.settle();
    expect((c.store.get('Service', 'default', 'kubernetes') as Service).spec?.clusterIP).toBe('10.43.0.1');
    expect(c.store.get('Endpoints', 'default', 'kubernetes')).toBeDefined();
    const svc = c.store.get('Service', 'default', 'kubernetes') as Service;
    c.store.update({ ...svc, spec: { ...svc.spec, ports: [{ name: 'https', port: 8443, protocol: 'TCP', targetPort: 6443 }] } });
    await c.settle();
    expect((c.store.get('Service', 'default', 'kubernetes') as Service).spec?.ports?.[0]?.port).toBe(443);
  });
});
