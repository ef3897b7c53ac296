import { describe, expect, it } from 'vitest';
import type { EndpointSlice } from '../../shared/endpoints.js';
import type { Service } from '../../shared/service.js';
import type { SliceContent } from './endpoints.js';
import { planSlices } from './slice-plan.js';

const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', uid: 'u1' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
const http = [{ name: '', port: 8080, protocol: 'TCP' as const }];
const content = (ips: string[], ports = http): SliceContent => ({ ports, endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true, serving: true, terminating: false } })) });

function stored(name: string, c: SliceContent): EndpointSlice {
  const plan = planSlices(svc, [c], []);
  const s = plan.create[0]!;
  return { ...s, metadata: { ...s.metadata, name, generateName: undefined, uid: `uid-${name}` } };
}

describe('planSlices', () => {
  it('creates slices named after the Service, labelled and owned by it', () => {
    const plan = planSlices(svc, [content(['10.42.0.1'])], []);
    expect(plan.update).toEqual([]);
    expect(plan.delete).toEqual([]);
    expect(plan.create).toEqual([
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          generateName: 'web-',
          namespace: 'default',
          labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'u1', controller: true, blockOwnerDeletion: true }],
        },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.42.0.1'], conditions: { ready: true, serving: true, terminating: false } }],
        ports: http,
      },
    ]);
  });

  it('writes nothing when the slices already hold what is wanted', () => {
    const existing = [stored('web-aaaaa', content(['10.42.0.1']))];
    expect(planSlices(svc, [content(['10.42.0.1'])], existing)).toEqual({ create: [], update: [], delete: [] });
  });

  it('updates the slice of the same ports in place, reuses a leftover for new ports, and deletes the rest', () => {
    const other = [{ name: '', port: 9090, protocol: 'TCP' as const }];
    const existing = [stored('web-b', content(['10.42.0.1'])), stored('web-a', content(['10.42.0.7'], other)), stored('web-c', content(['10.42.0.8'], other))];
    const plan = planSlices(svc, [content(['10.42.0.1', '10.42.0.2']), content(['10.42.0.3'], [{ name: '', port: 7070, protocol: 'TCP' }])], existing);
    expect(plan.create).toEqual([]);
    expect(plan.update.map((u) => [u.metadata.name, u.endpoints.map((e) => e.addresses[0]), u.ports?.[0]?.port])).toEqual([
      ['web-b', ['10.42.0.1', '10.42.0.2'], 8080],
      ['web-a', ['10.42.0.3'], 7070],
    ]);
    expect(plan.delete).toEqual(['web-c']);
  });
});
