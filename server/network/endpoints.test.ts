import { describe, expect, it } from 'vitest';
import type { Pod } from '../../shared/pod.js';
import type { Service, ServiceSpec } from '../../shared/service.js';
import { belongsInEndpoints, endpointsFor, sliceContentsFor, targetPortOn } from './endpoints.js';

const svc = (spec: ServiceSpec = {}, name = 'web'): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', uid: 'svc-uid', labels: { team: 'a' } },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec },
});

function pod(name: string, o: { ip?: string; ready?: boolean; labels?: Record<string, string>; deleting?: boolean; ports?: { name: string; containerPort: number; protocol?: 'TCP' | 'UDP' }[]; phase?: 'Running' | 'Succeeded' | 'Failed'; restartPolicy?: 'Always' | 'Never' | 'OnFailure'; hostname?: string; subdomain?: string; namespace?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'default', uid: `uid-${name}`, labels: o.labels ?? { app: 'web' }, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: {
      containers: [{ name: 'c', image: 'x', ...(o.ports ? { ports: o.ports } : {}) }],
      nodeName: 'n1',
      ...(o.restartPolicy ? { restartPolicy: o.restartPolicy } : {}),
      ...(o.hostname ? { hostname: o.hostname } : {}),
      ...(o.subdomain ? { subdomain: o.subdomain } : {}),
    },
    status: {
      phase: o.phase ?? 'Running',
      ...(o.ip === undefined ? {} : { podIP: o.ip, podIPs: [{ ip: o.ip }] }),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  };
}

describe('endpoint computation', () => {
  it('lists ready pods as addresses and unready ones as notReadyAddresses, by IP, with their node and pod', () => {
    const ep = endpointsFor(svc(), [pod('b', { ip: '10.42.0.10' }), pod('a', { ip: '10.42.0.9' }), pod('c', { ip: '10.42.1.5', ready: false })]);
    expect(ep).toEqual({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'default', labels: { team: 'a' } },
      subsets: [
        {
          addresses: [
            { ip: '10.42.0.9', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } },
            { ip: '10.42.0.10', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } },
          ],
          notReadyAddresses: [{ ip: '10.42.1.5', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'c', uid: 'uid-c' } }],
          ports: [{ port: 8080, protocol: 'TCP' }],
        },
      ],
    });
  });

  it('leaves out pods without an IP, terminating ones, finished ones, other namespaces and unmatched labels', () => {
    const pods = [
      pod('noip'),
      pod('gone', { ip: '10.42.0.2', deleting: true }),
      pod('done', { ip: '10.42.0.3', phase: 'Succeeded', restartPolicy: 'Never' }),
      pod('other', { ip: '10.42.0.4', labels: { app: 'db' } }),
      pod('elsewhere', { ip: '10.42.0.5', namespace: 'prod' }),
      pod('ok', { ip: '10.42.0.6' }),
    ];
    expect(endpointsFor(svc(), pods).subsets?.[0]?.addresses?.map((a) => a.ip)).toEqual(['10.42.0.6']);
    expect(endpointsFor(svc(), pods).subsets?.[0]?.notReadyAddresses).toBeUndefined();
    expect(belongsInEndpoints(pod('f', { ip: '1.2.3.4', phase: 'Failed', restartPolicy: 'OnFailure' }), false)).toBe(true);
    expect(belongsInEndpoints(pod('s', { ip: '1.2.3.4', phase: 'Succeeded', restartPolicy: 'OnFailure' }), false)).toBe(false);
    expect(endpointsFor(svc(), [pod('noip')])).not.toHaveProperty('subsets');
  });

  it('publishNotReadyAddresses puts every pod, terminating ones too, among the ready addresses', () => {
    const ep = endpointsFor(svc({ publishNotReadyAddresses: true }), [pod('a', { ip: '10.42.0.1', ready: false }), pod('b', { ip: '10.42.0.2', deleting: true })]);
    expect(ep.subsets).toEqual([{ addresses: [expect.objectContaining({ ip: '10.42.0.1' }), expect.objectContaining({ ip: '10.42.0.2' })], ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });

  it('resolves a named targetPort per pod from its container ports, grouping pods by the ports they offer', () => {
    const s = svc({ ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }, { name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' }] });
    const a = pod('a', { ip: '10.42.0.1', ports: [{ name: 'web', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }] });
    const b = pod('b', { ip: '10.42.0.2', ports: [{ name: 'web', containerPort: 9090 }, { name: 'dns', containerPort: 5353 }] });
    const none = pod('c', { ip: '10.42.0.3', ports: [{ name: 'other', containerPort: 1 }] });
    expect(targetPortOn(s.spec!.ports![1]!, b)).toBeUndefined(); // its "dns" port is TCP
    const ep = endpointsFor(s, [a, b, none]);
    expect(ep.subsets?.map((x) => [x.addresses?.map((y) => y.ip), x.ports])).toEqual([
      [['10.42.0.1'], [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'dns', port: 5353, protocol: 'UDP' }]],
      [['10.42.0.2'], [{ name: 'http', port: 9090, protocol: 'TCP' }]],
    ]);
    const slices = sliceContentsFor(s, [a, b, none]);
    expect(slices.map((x) => [x.endpoints.map((e) => e.addresses[0]), x.ports])).toEqual([
      [['10.42.0.1'], [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'dns', port: 5353, protocol: 'UDP' }]],
      [['10.42.0.2'], [{ name: 'http', port: 9090, protocol: 'TCP' }]],
    ]);
  });

  it('slices carry ready, serving and terminating conditions as Kubernetes sets them', () => {
    const contents = sliceContentsFor(svc(), [pod('a', { ip: '10.42.0.1' }), pod('b', { ip: '10.42.0.2', ready: false }), pod('c', { ip: '10.42.0.3', deleting: true })]);
    expect(contents).toHaveLength(1);
    expect(contents[0]!.ports).toEqual([{ name: '', port: 8080, protocol: 'TCP' }]);
    expect(contents[0]!.endpoints.map((e) => [e.addresses[0], e.conditions])).toEqual([
      ['10.42.0.1', { ready: true, serving: true, terminating: false }],
      ['10.42.0.2', { ready: false, serving: false, terminating: false }],
      ['10.42.0.3', { ready: false, serving: true, terminating: true }],
    ]);
    const published = sliceContentsFor(svc({ publishNotReadyAddresses: true }), [pod('b', { ip: '10.42.0.2', ready: false })]);
    expect(published[0]!.endpoints[0]!.conditions).toEqual({ ready: true, serving: true, terminating: false });
  });

  it('gives a headless Service its pods\' hostnames when their subdomain names it, and keeps one empty slice when nothing matches', () => {
    const s = svc({ clusterIP: 'None', ports: [] }, 'db');
    const pods = [pod('db-0', { ip: '10.42.0.1', hostname: 'db-0', subdomain: 'db' }), pod('x', { ip: '10.42.0.2', hostname: 'x', subdomain: 'other' })];
    const ep = endpointsFor(s, pods);
    expect(ep.metadata.labels).toEqual({ team: 'a', 'service.kubernetes.io/headless': '' });
    expect(ep.subsets).toEqual([{ addresses: [expect.objectContaining({ ip: '10.42.0.1', hostname: 'db-0' }), expect.not.objectContaining({ hostname: expect.anything() })] }]);
    expect(sliceContentsFor(s, pods)[0]!.endpoints[0]!.hostname).toBe('db-0');
    expect(sliceContentsFor(svc(), [])).toEqual([{ ports: [], endpoints: [] }]);
  });

  it('cuts slices at 100 endpoints and orders addresses numerically', () => {
    const pods = Array.from({ length: 250 }, (_, i) => pod(`p${i}`, { ip: `10.42.${Math.floor(i / 200)}.${i % 200}` }));
    const contents = sliceContentsFor(svc(), pods);
    expect(contents.map((c) => c.endpoints.length)).toEqual([100, 100, 50]);
    expect(contents[0]!.endpoints[9]!.addresses[0]).toBe('10.42.0.9');
    expect(contents[0]!.endpoints[10]!.addresses[0]).toBe('10.42.0.10');
  });
});
