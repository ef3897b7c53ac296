import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isKedgeError } from '../../shared/errors.js';
import type { Service, ServiceSpec } from '../../shared/service.js';
import { seededRandom } from '../controllers/testing/cluster.js';
import { openStore } from '../store/store.js';
import type { Store } from '../store/types.js';
import { networkClaims } from './claims.js';
import { admitService } from './service-admission.js';
import { defaultNetworkSettings, type NetworkSettings } from './settings.js';

const svc = (name: string, spec: ServiceSpec = {}): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
});

function cluster(settings: NetworkSettings = defaultNetworkSettings, store: Store = openStore(':memory:', { claims: networkClaims })) {
  const random = seededRandom(5);
  const ctx = { settings, claims: store.claims, random };
  const create = (s: Service) => store.batch(() => store.create(admitService(s, undefined, ctx))) as Service;
  const update = (s: Service) =>
    store.batch(() => {
      const existing = store.get('Service', 'default', s.metadata.name!) as Service;
      return store.update(admitService(s, existing, ctx)) as Service;
    }) as Service;
  return { store, create, update };
}

/** The 422's one cause: its field and message. */
function refusal(fn: () => unknown): { field?: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isKedgeError(e, 'Invalid')) return { field: e.details?.causes?.[0]?.field, message: e.message };
    throw e;
  }
  throw new Error('expected a 422');
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('admitService', () => {
  it('fills Kubernetes defaults and allocates a ClusterIP from the range', () => {
    const { create } = cluster();
    const s = create(svc('web', { ports: [{ port: 80, targetPort: 'http' }] }));
    expect(s.spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 'http' }],
    });
    expect(s.spec?.clusterIP).toMatch(/^10\.43\.\d+\.\d+$/);
    expect(s.spec?.clusterIPs).toEqual([s.spec?.clusterIP]);
    expect(s.spec?.externalTrafficPolicy).toBeUndefined();
    expect(s.status).toEqual({ loadBalancer: {} });
    expect(create(svc('affine', { sessionAffinity: 'ClientIP' })).spec?.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
    expect(create(svc('numbered', { ports: [{ port: 8080 }] })).spec?.ports?.[0]?.targetPort).toBe(8080);
  });

  it('never gives one ClusterIP twice, and refuses an asked one that is taken or outside the range', () => {
    const { create } = cluster();
    const ips = new Set<string>();
    for (let i = 0; i < 50; i++) ips.add(create(svc(`s${i}`)).spec!.clusterIP!);
    expect(ips.size).toBe(50);
    expect(create(svc('fixed', { clusterIP: '10.43.0.20' })).spec?.clusterIP).toBe('10.43.0.20');
    expect(refusal(() => create(svc('again', { clusterIP: '10.43.0.20' })))).toEqual({
      field: 'spec.clusterIP',
      message: 'Service "again" is invalid: spec.clusterIP: Invalid value: "10.43.0.20": provided IP is already allocated',
    });
    expect(refusal(() => create(svc('outside', { clusterIP: '10.42.0.20' })))).toMatchObject({ field: 'spec.clusterIP', message: expect.stringContaining('provided IP is not in the valid range. The range of valid IPs is 10.43.0.0/16') });
    expect(refusal(() => create(svc('network', { clusterIP: '10.43.0.0' })))).toMatchObject({ field: 'spec.clusterIP' });
    expect(refusal(() => create(svc('dns', { clusterIP: '10.43.0.10' })))).toMatchObject({ field: 'spec.clusterIP', message: expect.stringContaining('cluster DNS') });
    expect(refusal(() => create(svc('text', { clusterIP: 'ten' })))).toMatchObject({ field: 'spec.clusterIP' });
  });

  it('allocates NodePorts in the range and refuses taken or outside ones, naming the port', () => {
    const { create } = cluster();
    const a = create(svc('a', { type: 'NodePort', ports: [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }] }));
    const [p0, p1] = a.spec!.ports!.map((p) => p.nodePort!);
    for (const p of [p0!, p1!]) expect(p >= 30000 && p <= 32767).toBe(true);
    expect(p0).not.toBe(p1);
    expect(a.spec?.externalTrafficPolicy).toBe('Cluster');
    expect(refusal(() => create(svc('b', { type: 'NodePort', ports: [{ name: 'x', port: 81 }, { name: 'y', port: 82, nodePort: p1 }] })))).toEqual({
      field: 'spec.ports[1].nodePort',
      message: `Service "b" is invalid: spec.ports[1].nodePort: Invalid value: ${p1}: provided port is already allocated`,
    });
    expect(refusal(() => create(svc('c', { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] })))).toEqual({
      field: 'spec.ports[0].nodePort',
      message: 'Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
    });
    // The same NodePort for a TCP and a UDP port of one Service, as for DNS.
    const dns = create(svc('dns', { type: 'NodePort', ports: [{ name: 'tcp', port: 53, nodePort: 30053 }, { name: 'udp', port: 53, protocol: 'UDP', nodePort: 30053 }] }));
    expect(dns.spec?.ports?.map((p) => p.nodePort)).toEqual([30053, 30053]);
    expect(refusal(() => create(svc('d', { type: 'NodePort', ports: [{ name: 'a', port: 1, nodePort: 30054 }, { name: 'b', port: 2, nodePort: 30054 }] })))).toMatchObject({ field: 'spec.ports[1].nodePort' });
  });

  it('refuses a port held by another LoadBalancer (same port and protocol), naming it', () => {
    const { create } = cluster();
    create(svc('lb1', { type: 'LoadBalancer', ports: [{ port: 80 }] }));
    expect(refusal(() => create(svc('lb2', { type: 'LoadBalancer', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'http', port: 80 }] })))).toEqual({
      field: 'spec.ports[1].port',
      message: 'Service "lb2" is invalid: spec.ports[1].port: Invalid value: 80: port 80/TCP is already used by LoadBalancer Service default/lb1',
    });
    expect(create(svc('udp', { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'UDP' }] })).spec?.type).toBe('LoadBalancer');
    expect(create(svc('plain', { ports: [{ port: 80 }] })).spec?.type).toBe('ClusterIP');
    expect(create(svc('other-class', { type: 'LoadBalancer', loadBalancerClass: 'example.com/lb', ports: [{ port: 80 }] })).spec?.type).toBe('LoadBalancer');
  });

  it('allocates when the type turns NodePort, frees when it turns back, and keeps the ClusterIP immutable', () => {
    const { create, update, store } = cluster();
    const a = create(svc('a'));
    const ip = a.spec!.clusterIP!;
    const np = update({ ...a, spec: { ...a.spec, type: 'NodePort' } });
    const port = np.spec!.ports![0]!.nodePort!;
    expect(port).toBeGreaterThanOrEqual(30000);
    expect(np.spec?.clusterIP).toBe(ip);
    // kubectl apply without nodePort or clusterIP keeps both.
    const again = update(svc('a', { type: 'NodePort', ports: [{ port: 80 }] }));
    expect(again.spec?.ports?.[0]?.nodePort).toBe(port);
    expect(again.spec?.clusterIP).toBe(ip);
    // Back to ClusterIP: the unchanged nodePort is dropped and freed.
    const back = update({ ...again, spec: { ...again.spec, type: 'ClusterIP' } });
    expect(back.spec?.ports?.[0]?.nodePort).toBeUndefined();
    expect(store.claims.holder('node-port', String(port))).toBeUndefined();
    expect(create(svc('b', { type: 'NodePort', ports: [{ port: 80, nodePort: port }] })).spec?.ports?.[0]?.nodePort).toBe(port);
    expect(refusal(() => update({ ...back, spec: { ...back.spec, clusterIP: '10.43.0.99', clusterIPs: ['10.43.0.99'] } }))).toEqual({
      field: 'spec.clusterIP',
      message: 'Service "a" is invalid: spec.clusterIP: Invalid value: "10.43.0.99": field is immutable',
    });
    expect(refusal(() => update({ ...back, spec: { ...back.spec, ports: [{ port: 80, nodePort: 30500 }] } }))).toMatchObject({ field: 'spec.ports[0].nodePort', message: expect.stringContaining("may not be used when `type` is 'ClusterIP'") });
  });

  it('frees the ClusterIP and NodePorts of a deleted Service, and those of a Service turned ExternalName', () => {
    const { create, update, store } = cluster();
    const a = create(svc('a', { type: 'NodePort', clusterIP: '10.43.0.30', ports: [{ port: 80, nodePort: 30080 }] }));
    store.delete('Service', 'default', 'a');
    create(svc('b', { type: 'NodePort', clusterIP: '10.43.0.30', ports: [{ port: 80, nodePort: 30080 }] }));
    expect(a.metadata.name).toBe('a');
    const c = create(svc('c', { clusterIP: '10.43.0.31' }));
    const ext = update({ ...c, spec: { ...c.spec, type: 'ExternalName', externalName: 'db.example.com' } });
    expect(ext.spec?.clusterIP).toBeUndefined();
    expect(store.claims.holder('service-ip', '10.43.0.31')).toBeUndefined();
    expect(update({ ...ext, spec: { ...ext.spec, type: 'ClusterIP', externalName: undefined } }).spec?.clusterIP).toMatch(/^10\.43\./);
  });

  it('headless Services get no ClusterIP; ExternalName needs its name', () => {
    const { create } = cluster();
    const h = create(svc('db', { clusterIP: 'None', ports: [] }));
    expect(h.spec).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'] });
    expect(refusal(() => create(svc('lb', { type: 'LoadBalancer', clusterIP: 'None' })))).toMatchObject({ field: 'spec.clusterIP' });
    expect(create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } }).spec?.clusterIP).toBeUndefined();
    expect(refusal(() => create(svc('ext2', { type: 'ExternalName' })))).toMatchObject({ field: 'spec.externalName' });
  });

  it('checks ports as Kubernetes does', () => {
    const { create } = cluster();
    expect(refusal(() => create(svc('a', { ports: [] })))).toMatchObject({ field: 'spec.ports' });
    expect(refusal(() => create(svc('b', { ports: [{ port: 80 }, { name: 'x', port: 81 }] })))).toMatchObject({ field: 'spec.ports[0].name' });
    expect(refusal(() => create(svc('c', { ports: [{ name: 'x', port: 80 }, { name: 'x', port: 81 }] })))).toMatchObject({ field: 'spec.ports[1].name' });
    expect(refusal(() => create(svc('d', { ports: [{ name: 'x', port: 80 }, { name: 'y', port: 80 }] })))).toMatchObject({ field: 'spec.ports[1]' });
    expect(refusal(() => create(svc('e', { ports: [{ port: 80, targetPort: 'Not_A_Name' }] })))).toMatchObject({ field: 'spec.ports[0].targetPort' });
    expect(refusal(() => create(svc('f', { externalTrafficPolicy: 'Local' })))).toMatchObject({ field: 'spec.externalTrafficPolicy' });
    expect(refusal(() => create(svc('g', { ipFamilies: ['IPv6'] })))).toMatchObject({ field: 'spec.ipFamilies[0]' });
    expect(create(svc('h', { ports: [{ name: 'dns', port: 53 }, { name: 'dns-udp', port: 53, protocol: 'UDP' }] })).spec?.ports).toHaveLength(2);
  });

  it('an exhausted range is a 422 naming the field, not a crash', () => {
    const { create } = cluster({ ...defaultNetworkSettings, serviceCIDR: '10.43.0.0/28', clusterDNS: '10.43.0.10', nodePortRange: { min: 30000, max: 30001 } });
    for (let i = 0; i < 13; i++) create(svc(`s${i}`));
    expect(refusal(() => create(svc('full')))).toMatchObject({ field: 'spec.clusterIP', message: expect.stringContaining('no free address left in the service range 10.43.0.0/28') });
  });

  it('keeps what it allocated across a restart (a real database file)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kedge-svc-'));
    dirs.push(dir);
    const path = join(dir, 'state.db');
    const first = cluster(defaultNetworkSettings, openStore(path, { claims: networkClaims }));
    const before = new Set<string>();
    const ports = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const s = first.create(svc(`s${i}`, { type: 'NodePort' }));
      before.add(s.spec!.clusterIP!);
      ports.add(s.spec!.ports![0]!.nodePort!);
    }
    first.store.close();
    // The same random sequence again: only the stored claims keep it from handing out the same values.
    const second = cluster(defaultNetworkSettings, openStore(path, { claims: networkClaims }));
    for (let i = 0; i < 20; i++) {
      const s = second.create(svc(`t${i}`, { type: 'NodePort' }));
      expect(before.has(s.spec!.clusterIP!)).toBe(false);
      expect(ports.has(s.spec!.ports![0]!.nodePort!)).toBe(false);
    }
    expect(refusal(() => second.create(svc('dup', { clusterIP: [...before][0] })))).toMatchObject({ field: 'spec.clusterIP' });
    second.store.close();
  });
});
