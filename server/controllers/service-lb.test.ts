import { afterEach, describe, expect, it } from 'vitest';
import type { Node } from '../../shared/node.js';
import type { Service } from '../../shared/service.js';
import { admitService } from '../network/service-admission.js';
import { defaultNetworkSettings } from '../network/settings.js';
import { testCluster, type TestCluster } from './testing/cluster.js';

let c: TestCluster;
afterEach(() => c?.stop());

function addNode(name: string, ip: string, ready = true, external?: string): void {
  const node: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: {},
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], addresses: [{ type: 'InternalIP', address: ip }, ...(external ? [{ type: 'ExternalIP', address: external }] : [])] },
  };
  c.store.create(node);
}

function addService(name: string, type: 'LoadBalancer' | 'ClusterIP', port = 80): Service {
  const s: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { type, selector: { app: name }, ports: [{ port }] } };
  return c.store.create(admitService(s, undefined, { settings: defaultNetworkSettings, claims: c.store.claims })) as Service;
}

const ingress = (name: string) => (c.store.get('Service', 'default', name) as Service).status?.loadBalancer?.ingress?.map((i) => i.ip);

describe('ServiceLB status', () => {
  it('lists every Ready node\'s address as the LoadBalancer ingress, following node changes', async () => {
    c = testCluster();
    addNode('b', '192.0.2.20');
    addNode('a', '192.0.2.9', true, '198.51.100.1');
    addNode('down', '192.0.2.30', false);
    addService('web', 'LoadBalancer');
    addService('plain', 'ClusterIP');
    await c.settle();
    expect(ingress('web')).toEqual(['192.0.2.20', '198.51.100.1']);
    expect(ingress('plain')).toBeUndefined();

    const down = c.store.get('Node', '', 'down') as Node;
    c.store.update({ ...down, status: { ...down.status, conditions: [{ type: 'Ready', status: 'True' }] } });
    c.store.delete('Node', '', 'b');
    await c.settle();
    expect(ingress('web')).toEqual(['192.0.2.30', '198.51.100.1']);
  });

  it('clears the ingress when the Service stops being a LoadBalancer', async () => {
    c = testCluster();
    addNode('a', '192.0.2.9');
    const web = addService('web', 'LoadBalancer');
    await c.settle();
    expect(ingress('web')).toEqual(['192.0.2.9']);
    const cur = c.store.get('Service', 'default', 'web') as Service;
    c.store.update(admitService({ ...cur, spec: { ...cur.spec, type: 'ClusterIP' } }, cur, { settings: defaultNetworkSettings, claims: c.store.claims }));
    await c.settle();
    expect(ingress('web')).toBeUndefined();
    expect(web.status).toEqual({ loadBalancer: {} });
  });
});
