import { afterEach, describe, expect, it } from 'vitest';
import { clusterNetworkSchema, clusterServicesSchema, type ClusterNetwork, type ClusterServices } from '../../shared/cluster-network.js';
import type { Endpoints } from '../../shared/endpoints.js';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import type { Service, ServiceSpec } from '../../shared/service.js';
import { networkClaims } from '../network/claims.js';
import { admitService } from '../network/service-admission.js';
import { defaultNetworkSettings } from '../network/settings.js';
import { openStore } from '../store/store.js';
import type { Store } from '../store/types.js';
import { createClusterNetworkPublisher } from './cluster-network.js';
import { testCluster, type TestCluster } from './testing/cluster.js';

let c: TestCluster | undefined;
afterEach(() => c?.stop());

function addNode(store: Store, name: string, ip: string) {
  const n = store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {} }) as Node;
  store.update({ ...n, status: { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] } });
}

function addService(store: Store, name: string, spec: ServiceSpec = {}): Service {
  const s: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 'http' }], ...spec } };
  return store.create(admitService(s, undefined, { settings: defaultNetworkSettings, claims: store.claims })) as Service;
}

function addPod(store: Store, name: string, app: string, ip: string, o: { ready?: boolean; hostname?: string; subdomain?: string } = {}): Pod {
  return store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app } },
    spec: { containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }], nodeName: 'n1', ...(o.hostname ? { hostname: o.hostname } : {}), ...(o.subdomain ? { subdomain: o.subdomain } : {}) },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  }) as Pod;
}

const messages = (cl: TestCluster, topic: string) => cl.published.filter((m) => m.topic === topic);
const lastServices = (cl: TestCluster) => clusterServicesSchema.parse(JSON.parse(messages(cl, 'kedge/v1/cluster/services').at(-1)!.payload)) as ClusterServices;
const lastNetwork = (cl: TestCluster) => clusterNetworkSchema.parse(JSON.parse(messages(cl, 'kedge/v1/cluster/network').at(-1)!.payload)) as ClusterNetwork;

describe('cluster network messages', () => {
  it('publishes the settings and every node with a pod range and an InternalIP, retained, QoS 1', async () => {
    c = testCluster();
    addNode(c.store, 'b', '192.0.2.2');
    addNode(c.store, 'a', '192.0.2.1');
    c.store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'no-address' }, spec: {} });
    await c.settle();
    const net = messages(c, 'kedge/v1/cluster/network').at(-1)!;
    expect(net).toMatchObject({ retain: true, qos: 1 });
    const body = lastNetwork(c);
    expect(body).toMatchObject({ clusterCIDR: '10.42.0.0/16', serviceCIDR: '10.43.0.0/16', clusterDNS: '10.43.0.10', clusterDomain: 'cluster.local', backend: 'host-gw', nodePortRange: { min: 30000, max: 32767 } });
    expect(body.nodes.map((n) => n.name)).toEqual(['a', 'b']);
    expect(new Set(body.nodes.map((n) => n.podCIDR)).size).toBe(2);
    expect(body.nodes.find((n) => n.name === 'a')?.internalIP).toBe('192.0.2.1');
    expect(body.revision).toBeGreaterThan(0);
  });

  it('publishes each Service with its endpoints: ports by name, target ports per pod, pod and node', async () => {
    c = testCluster();
    const web = addService(c.store, 'web', { type: 'NodePort', sessionAffinity: 'ClientIP' });
    addPod(c.store, 'web-1', 'web', '10.42.0.5');
    addPod(c.store, 'web-2', 'web', '10.42.0.6', { ready: false });
    addService(c.store, 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432, targetPort: 5432 }] });
    addPod(c.store, 'db-0', 'db', '10.42.0.7', { hostname: 'db-0', subdomain: 'db' });
    addService(c.store, 'ext', { type: 'ExternalName', externalName: 'example.com', selector: undefined, ports: [] });
    await c.settle();
    const msg = messages(c, 'kedge/v1/cluster/services').at(-1)!;
    expect(msg).toMatchObject({ retain: true, qos: 1 });
    const { services } = lastServices(c);
    expect(services.map((s) => s.name)).toEqual(['db', 'ext', 'web']);
    const route = services.find((s) => s.name === 'web')!;
    const pods = c.store.list('Pod', { namespace: 'default' }).items;
    expect(route).toEqual({
      namespace: 'default',
      name: 'web',
      type: 'NodePort',
      clusterIP: web.spec!.clusterIP,
      affinityTimeoutSeconds: 10800,
      ports: [{ name: '', protocol: 'TCP', port: 80, nodePort: web.spec!.ports![0]!.nodePort }],
      endpoints: [
        { ip: '10.42.0.5', nodeName: 'n1', podUID: pods.find((p) => p.metadata.name === 'web-1')!.metadata.uid, ready: true, ports: { '': 8080 } },
        { ip: '10.42.0.6', nodeName: 'n1', podUID: pods.find((p) => p.metadata.name === 'web-2')!.metadata.uid, ready: false, ports: { '': 8080 } },
      ],
    });
    expect(services.find((s) => s.name === 'db')).toMatchObject({ clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }], endpoints: [{ ip: '10.42.0.7', hostname: 'db-0', ports: { pg: 5432 } }] });
    expect(services.find((s) => s.name === 'ext')).toEqual({ namespace: 'default', name: 'ext', type: 'ExternalName', externalName: 'example.com', ports: [], endpoints: [] });
  });

  it('republishes only when the content changed', async () => {
    c = testCluster();
    addService(c.store, 'web');
    addPod(c.store, 'web-1', 'web', '10.42.0.5');
    await c.settle();
    const cluster = (cl: TestCluster) => cl.published.filter((m) => m.topic.startsWith('kedge/v1/cluster/')).length;
    const count = cluster(c);
    // A status write that changes no route (a container restart count) publishes nothing.
    const p = c.store.get('Pod', 'default', 'web-1') as Pod;
    c.store.update({ ...p, status: { ...p.status, startTime: '2026-01-01T00:00:00Z' } }, { subresource: 'status' });
    const svc = c.store.get('Service', 'default', 'web') as Service;
    c.store.update({ ...svc, metadata: { ...svc.metadata, annotations: { note: 'x' } } });
    await c.settle();
    expect(cluster(c)).toBe(count);
    c.store.delete('Pod', 'default', 'web-1');
    await c.settle();
    expect(cluster(c)).toBe(count + 1);
    expect(lastServices(c).services.find((s) => s.name === 'web')?.endpoints).toEqual([]);
  });

  it('takes a selectorless Service\'s endpoints from its hand-written Endpoints', async () => {
    c = testCluster();
    addService(c.store, 'legacy', { selector: undefined, ports: [{ name: 'pg', port: 5432 }] });
    const ep: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'legacy', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.0.2.50' }], ports: [{ name: 'pg', port: 15432 }] }] };
    c.store.create(ep);
    await c.settle();
    expect(lastServices(c).services.find((s) => s.name === 'legacy')?.endpoints).toEqual([{ ip: '192.0.2.50', ready: true, ports: { pg: 15432 } }]);
  });

  it('a pod turning unready reaches the message within a second, through the endpoints controller', async () => {
    c = testCluster();
    addService(c.store, 'web');
    addPod(c.store, 'web-1', 'web', '10.42.0.5');
    await c.settle();
    expect(lastServices(c).services.find((s) => s.name === 'web')?.endpoints[0]?.ready).toBe(true);
    const started = Date.now();
    const p = c.store.get('Pod', 'default', 'web-1') as Pod;
    c.store.update({ ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'False' }] } }, { subresource: 'status' });
    const cl = c;
    while (lastServices(cl).services.find((s) => s.name === 'web')?.endpoints[0]?.ready !== false) {
      expect(Date.now() - started).toBeLessThan(1000);
      await new Promise((r) => setTimeout(r, 5));
    }
  });
});

describe('the publisher alone', () => {
  it('sends a burst of changes as one message after the debounce, and everything again after a restart', async () => {
    const store = openStore(':memory:', { claims: networkClaims });
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    const sent: string[] = [];
    const start = () => {
      const pub = createClusterNetworkPublisher({ store, network: defaultNetworkSettings, publish: async (topic) => void sent.push(topic), debounceMs: 40 });
      const unwatch = store.watch((e) => pub.onEvent(e));
      pub.resync();
      return { pub, stop: () => (unwatch(), pub.stop()) };
    };
    const a = start();
    await a.pub.idle();
    expect(sent).toEqual(['kedge/v1/cluster/network', 'kedge/v1/cluster/services']);
    for (let i = 0; i < 5; i++) addService(store, `s${i}`);
    await new Promise((r) => setTimeout(r, 120));
    expect(sent.slice(2)).toEqual(['kedge/v1/cluster/services']);
    a.stop();

    const b = start();
    await b.pub.idle();
    expect(sent.slice(3)).toEqual(['kedge/v1/cluster/network', 'kedge/v1/cluster/services']);
    b.stop();
    store.close();
  });

  it('retries a failed publish', async () => {
    const store = openStore(':memory:', { claims: networkClaims });
    let fail = true;
    const sent: string[] = [];
    const pub = createClusterNetworkPublisher({
      store,
      network: defaultNetworkSettings,
      publish: async (topic) => {
        if (fail) throw new Error('broker closed');
        sent.push(topic);
      },
      retryMs: 20,
      log: () => {},
    });
    pub.resync();
    await pub.idle();
    expect(sent).toEqual([]);
    fail = false;
    await new Promise((r) => setTimeout(r, 60));
    expect(sent).toEqual(['kedge/v1/cluster/network', 'kedge/v1/cluster/services']);
    pub.stop();
    store.close();
  });
});
