import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Endpoints } from '../../shared/endpoints.js';
import type { Service } from '../../shared/service.js';
import type { Table } from '../../shared/table.js';
import { testApi } from './testing/fixtures.js';

const services = '/api/v1/namespaces/default/services';
const kubectlAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

/** What `kubectl expose deployment web --port 80` sends. */
const exposed = {
  kind: 'Service',
  apiVersion: 'v1',
  metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
  spec: { ports: [{ protocol: 'TCP', port: 80, targetPort: 80 }], selector: { app: 'web' } },
  status: { loadBalancer: {} },
};

const svc = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });

async function expect422(res: Response, field: string, message: string) {
  expect(res.status).toBe(422);
  const body = await res.json();
  expect(body).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422, details: { kind: 'Service', causes: [{ field }] } });
  expect(body.message).toContain(message);
}

describe('Services over the API', () => {
  it('creates what kubectl expose sends, defaulted and with a ClusterIP', async () => {
    const { call } = testApi();
    const res = await call('POST', `${services}?fieldManager=kubectl-expose&fieldValidation=Strict`, exposed);
    expect(res.status).toBe(201);
    expect(res.headers.get('warning')).toBeNull();
    const s = (await res.json()) as Service;
    expect(s.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster' });
    expect(s.spec?.clusterIP).toMatch(/^10\.43\.\d+\.\d+$/);
    expect(s.status).toEqual({ loadBalancer: {} });
  });

  it('answers 422 naming spec.clusterIP, spec.ports[i].nodePort and spec.ports[i].port for taken or outside values', async () => {
    const { call } = testApi();
    expect((await call('POST', services, svc('a', { clusterIP: '10.43.0.50', type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080 }] }))).status).toBe(201);
    await expect422(await call('POST', services, svc('b', { clusterIP: '10.43.0.50' })), 'spec.clusterIP', 'spec.clusterIP: Invalid value: "10.43.0.50": provided IP is already allocated');
    await expect422(await call('POST', services, svc('c', { clusterIP: '192.0.2.1' })), 'spec.clusterIP', 'provided IP is not in the valid range. The range of valid IPs is 10.43.0.0/16');
    await expect422(await call('POST', services, svc('d', { type: 'NodePort', ports: [{ port: 81, nodePort: 30080 }] })), 'spec.ports[0].nodePort', 'provided port is already allocated');
    await expect422(await call('POST', services, svc('e', { type: 'NodePort', ports: [{ port: 81, nodePort: 40000 }] })), 'spec.ports[0].nodePort', 'The range of valid ports is 30000-32767');
    await expect422(await call('POST', services, svc('f', { type: 'LoadBalancer', ports: [{ port: 80 }] })), 'spec.ports[0].port', 'port 80/TCP is already used by LoadBalancer Service default/a');
  });

  it('keeps clusterIP immutable, allocates NodePorts when the type changes and frees them on delete', async () => {
    const { call, store } = testApi();
    const created = (await (await call('POST', services, svc('web', {}))).json()) as Service;
    const ip = created.spec!.clusterIP!;
    await expect422(await call('PUT', `${services}/web`, { ...created, spec: { ...created.spec, clusterIP: '10.43.0.77', clusterIPs: ['10.43.0.77'] } }), 'spec.clusterIP', 'field is immutable');
    const patched = await call('PATCH', `${services}/web`, { spec: { type: 'NodePort' } }, { 'content-type': 'application/strategic-merge-patch+json' });
    expect(patched.status).toBe(200);
    const np = (await patched.json()) as Service;
    expect(np.spec?.clusterIP).toBe(ip);
    const nodePort = np.spec!.ports![0]!.nodePort!;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    // Ports merge by port: a patch naming port 80 keeps its nodePort and adds a second port.
    const merged = (await (await call('PATCH', `${services}/web`, { spec: { ports: [{ port: 80, name: 'http' }, { port: 443, name: 'https' }] } }, { 'content-type': 'application/strategic-merge-patch+json' })).json()) as Service;
    expect(merged.spec?.ports?.map((p) => [p.port, p.nodePort === nodePort])).toEqual([
      [80, true],
      [443, false],
    ]);
    expect((await call('DELETE', `${services}/web`)).status).toBe(200);
    expect(store.claims.values('service-ip')).toEqual([]);
    expect(store.claims.values('node-port')).toEqual([]);
    expect((await call('POST', services, svc('again', { clusterIP: ip, type: 'NodePort', ports: [{ port: 80, nodePort }] }))).status).toBe(201);
  });

  it('a dry run shows the allocation and holds nothing', async () => {
    const { call, store } = testApi();
    const dry = await call('POST', `${services}?dryRun=All`, svc('web', { type: 'NodePort', clusterIP: '10.43.0.60', ports: [{ port: 80, nodePort: 30060 }] }));
    expect(dry.status).toBe(201);
    expect(((await dry.json()) as Service).spec?.ports?.[0]?.nodePort).toBe(30060);
    expect(store.claims.values('service-ip')).toEqual([]);
    expect((await call('POST', services, svc('real', { type: 'NodePort', clusterIP: '10.43.0.60', ports: [{ port: 80, nodePort: 30060 }] }))).status).toBe(201);
  });

  it('server-side apply allocates too, and a re-apply keeps what was allocated', async () => {
    const { call } = testApi();
    const yaml = 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec:\n  type: NodePort\n  selector: { app: web }\n  ports: [{ port: 80 }]\n';
    const first = (await (await call('PATCH', `${services}/web?fieldManager=kubectl`, yaml, { 'content-type': 'application/apply-patch+yaml' })).json()) as Service;
    expect(first.spec?.ports?.[0]?.nodePort).toBeGreaterThanOrEqual(30000);
    const second = (await (await call('PATCH', `${services}/web?fieldManager=kubectl`, yaml, { 'content-type': 'application/apply-patch+yaml' })).json()) as Service;
    expect(second.spec?.clusterIP).toBe(first.spec?.clusterIP);
    expect(second.spec?.ports?.[0]?.nodePort).toBe(first.spec?.ports?.[0]?.nodePort);
  });

  it('prints Services, Endpoints and EndpointSlices with kubectl\'s columns', async () => {
    const { call, store } = testApi();
    await call('POST', services, svc('web', { type: 'NodePort', clusterIP: '10.43.0.20', ports: [{ port: 80, nodePort: 30080 }] }));
    await call('POST', services, svc('lb', { type: 'LoadBalancer', clusterIP: '10.43.0.21', ports: [{ name: 'http', port: 8080, nodePort: 30081 }, { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 }] }));
    await call('POST', services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } });
    const table = (await (await call('GET', services, undefined, { accept: kubectlAccept })).json()) as Table;
    expect(table.columnDefinitions.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Type', 0],
      ['Cluster-IP', 0],
      ['External-IP', 0],
      ['Port(s)', 0],
      ['Age', 0],
      ['Selector', 1],
    ]);
    expect(table.rows.map((r) => [...r.cells.slice(0, 5), r.cells[6]])).toEqual([
      ['ext', 'ExternalName', '<none>', 'db.example.com', '<none>', '<none>'],
      ['lb', 'LoadBalancer', '10.43.0.21', '<pending>', '8080:30081/TCP,53:30053/UDP', 'app=lb'],
      ['web', 'NodePort', '10.43.0.20', '<none>', '80:30080/TCP', 'app=web'],
    ]);

    const ep: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: ['10.42.0.1', '10.42.0.2', '10.42.0.3', '10.42.0.4'].map((ip) => ({ ip })), ports: [{ port: 8080 }] }] };
    store.create(ep);
    const epTable = (await (await call('GET', '/api/v1/namespaces/default/endpoints', undefined, { accept: kubectlAccept })).json()) as Table;
    expect(epTable.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Endpoints', 'Age']);
    expect(epTable.rows[0]!.cells.slice(0, 2)).toEqual(['web', '10.42.0.1:8080,10.42.0.2:8080,10.42.0.3:8080 + 1 more...']);

    const slice: EndpointSlice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-abcde', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.42.0.1'] }, { addresses: ['10.42.0.2'] }],
      ports: [{ name: '', port: 8080, protocol: 'TCP' }],
    };
    store.create(slice);
    const es = (await (await call('GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', undefined, { accept: kubectlAccept })).json()) as Table;
    expect(es.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
    expect(es.rows[0]!.cells.slice(0, 4)).toEqual(['web-abcde', 'IPv4', '8080', '10.42.0.1,10.42.0.2']);
  });

  it('lists Services by label, as kubectl cluster-info asks', async () => {
    const { call } = testApi();
    await call('POST', services, { ...svc('dns', {}), metadata: { name: 'dns', labels: { 'kubernetes.io/cluster-service': 'true' } } });
    await call('POST', services, svc('web', {}));
    const list = await (await call('GET', `${services}?labelSelector=${encodeURIComponent('kubernetes.io/cluster-service=true')}`)).json();
    expect(list.kind).toBe('ServiceList');
    expect(list.items.map((s: Service) => s.metadata.name)).toEqual(['dns']);
  });
});

describe('Node pod ranges over the API', () => {
  it('refuses a change of a node\'s podCIDR once set', async () => {
    const { call, store } = testApi();
    store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.42.0.0/24', podCIDRs: ['10.42.0.0/24'] } });
    const res = await call('PATCH', '/api/v1/nodes/n1', { spec: { podCIDR: '10.42.9.0/24', podCIDRs: ['10.42.9.0/24'] } }, { 'content-type': 'application/merge-patch+json' });
    expect(res.status).toBe(422);
    expect((await res.json()).message).toContain('spec.podCIDR: Forbidden: node updates may not change podCIDR');
    expect((await call('PATCH', '/api/v1/nodes/n1', { metadata: { labels: { zone: 'a' } } }, { 'content-type': 'application/merge-patch+json' })).status).toBe(200);
  });
});
