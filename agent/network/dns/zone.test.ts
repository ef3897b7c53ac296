import { describe, expect, it } from 'vitest';
import type { ServiceEndpoint } from '../../../shared/cluster-network.js';
import type { LocalPod } from '../types.js';
import { lookup } from './answer.js';
import { testInput, testNetwork } from './testing/cluster.js';
import { buildZone, endpointReadiness } from './zone.js';

const pod = (uid: string, ip: string, ready: boolean): LocalPod => ({ uid, namespace: 'default', name: uid, ip, ready, hostPorts: [] });
const ep = (ip: string, e: Partial<ServiceEndpoint> = {}): ServiceEndpoint => ({ ip, ready: true, ports: {}, ...e });

describe('endpoint readiness as this node sees it', () => {
  const ready = endpointReadiness([pod('a', '10.42.0.2', true), pod('b', '10.42.0.3', false), pod('c', '10.42.0.4', true)]);
  it.each<[string, ServiceEndpoint, boolean]>([
    ['a ready local pod', ep('10.42.0.2', { podUID: 'a' }), true],
    ['a local pod that turned unready', ep('10.42.0.3', { podUID: 'b' }), false],
    ['not ready by the server, ready here: the server decides additions', ep('10.42.0.2', { podUID: 'a', ready: false }), false],
    ['an address now held by another pod of this node', ep('10.42.0.4', { podUID: 'gone' }), false],
    ['a local pod with another address than the endpoint', ep('10.42.0.9', { podUID: 'a' }), false],
    ['a pod of another node', ep('10.42.1.2', { podUID: 'far' }), true],
    ['an endpoint without a pod (set by hand)', ep('192.0.2.7'), true],
  ])('%s', (_, e, expected) => {
    expect(ready(e)).toBe(expected);
  });
});

describe('the zone', () => {
  it('is rebuilt whole: a Service gone is NXDOMAIN, its address no longer has a PTR', () => {
    const before = buildZone(testInput, 100);
    const after = buildZone({ ...testInput, services: testInput.services.filter((s) => s.name !== 'web') }, 101);
    const q = { name: 'web.default.svc.cluster.local', type: 'A' as const };
    expect(lookup(before, q)).toMatchObject({ kind: 'reply', reply: { rcode: 'NOERROR' } });
    expect(lookup(after, q)).toMatchObject({ kind: 'reply', reply: { rcode: 'NXDOMAIN', authorities: [{ type: 'SOA', data: { serial: 101 } }] } });
    expect(lookup(after, { name: '20.0.43.10.in-addr.arpa', type: 'PTR' })).toMatchObject({ kind: 'reply', reply: { rcode: 'NXDOMAIN' } });
  });

  it('follows the network: another cluster domain, reverse names outside the ranges forwarded', () => {
    const zone = buildZone({ ...testInput, network: { ...testNetwork, clusterDomain: 'Edge.Example' } }, 1);
    expect(lookup(zone, { name: 'web.default.svc.edge.example', type: 'A' })).toMatchObject({ kind: 'reply', reply: { answers: [{ data: '10.43.0.20' }] } });
    expect(lookup(zone, { name: 'web.default.svc.cluster.local', type: 'A' })).toEqual({ kind: 'forward' });
    expect(lookup(zone, { name: '1.2.0.192.in-addr.arpa', type: 'PTR' })).toEqual({ kind: 'forward' });
    expect(lookup(zone, { name: '43.10.in-addr.arpa', type: 'PTR' })).toEqual({ kind: 'forward' });
  });

  it('leaves out addresses that are not IPv4 rather than failing the whole zone', () => {
    const zone = buildZone({ ...testInput, services: [{ namespace: 'default', name: 'odd', type: 'ClusterIP', clusterIP: 'None', ports: [], endpoints: [ep('fd00::1'), ep('10.42.0.50')] }] }, 1);
    expect(zone.records.get('odd.default.svc.cluster.local')!.map((r) => ('data' in r ? r.data : null))).toEqual(['10.42.0.50']);
  });
});
