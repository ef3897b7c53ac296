import { describe, expect, it } from 'vitest';
import type { Pod, PodSpec } from '../../../shared/pod.js';
import { dnsMode, parseResolvConf, pickHostResolvConf, renderResolvConf } from './resolv-conf.js';

const host = '# from DHCP\nnameserver 192.0.2.53\nnameserver 192.0.2.54\nsearch lan. example.org\noptions edns0 ndots:2\n';
const settings = { clusterDNS: '10.43.0.10', clusterDomain: 'cluster.local', hostResolvConf: host };

function pod(spec: Partial<PodSpec> = {}, namespace = 'shop'): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace, uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } };
}

describe('renderResolvConf', () => {
  it.each<[string, Partial<PodSpec>, string]>([
    [
      'ClusterFirst (the default): the cluster DNS, the namespace search path, then the node search domains',
      {},
      'search shop.svc.cluster.local svc.cluster.local cluster.local lan example.org\nnameserver 10.43.0.10\noptions ndots:5\n',
    ],
    ['Default: the node file', { dnsPolicy: 'Default' }, 'search lan example.org\nnameserver 192.0.2.53\nnameserver 192.0.2.54\noptions edns0 ndots:2\n'],
    ['hostNetwork with ClusterFirst falls back to the node file', { hostNetwork: true }, 'search lan example.org\nnameserver 192.0.2.53\nnameserver 192.0.2.54\noptions edns0 ndots:2\n'],
    [
      'hostNetwork with ClusterFirstWithHostNet gets the cluster DNS',
      { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' },
      'search shop.svc.cluster.local svc.cluster.local cluster.local lan example.org\nnameserver 10.43.0.10\noptions ndots:5\n',
    ],
    ['None without dnsConfig: an empty file', { dnsPolicy: 'None' }, ''],
    [
      'None with dnsConfig: only what it says',
      { dnsPolicy: 'None', dnsConfig: { nameservers: ['192.0.2.1'], searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } },
      'search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 192.0.2.1\noptions ndots:2 edns0\n',
    ],
    [
      'ClusterFirst with dnsConfig merged in: options replaced by name, duplicates dropped',
      { dnsConfig: { nameservers: ['10.43.0.10', '192.0.2.9'], searches: ['lan', 'extra.example'], options: [{ name: 'ndots', value: '1' }, { name: 'single-request' }] } },
      'search shop.svc.cluster.local svc.cluster.local cluster.local lan example.org extra.example\nnameserver 10.43.0.10\nnameserver 192.0.2.9\noptions ndots:1 single-request\n',
    ],
    [
      'at most three nameservers',
      { dnsPolicy: 'Default', dnsConfig: { nameservers: ['192.0.2.1', '192.0.2.2'] } },
      'search lan example.org\nnameserver 192.0.2.53\nnameserver 192.0.2.54\nnameserver 192.0.2.1\noptions edns0 ndots:2\n',
    ],
  ])('%s', (_why, spec, want) => {
    expect(renderResolvConf(pod(spec), settings)).toBe(want);
  });

  it('uses the pod namespace, default when unset, and a cluster domain written with a trailing dot', () => {
    const p = pod();
    delete p.metadata.namespace;
    expect(renderResolvConf(p, { ...settings, clusterDomain: 'edge.local.', hostResolvConf: '' })).toBe('search default.svc.edge.local svc.edge.local edge.local\nnameserver 10.43.0.10\noptions ndots:5\n');
  });

  it('keeps the search list within 32 domains and 2048 characters', () => {
    const many = Array.from({ length: 40 }, (_, i) => `d${i}.${'x'.repeat(60)}.example`);
    const out = renderResolvConf(pod({ dnsPolicy: 'None', dnsConfig: { searches: many } }), settings);
    const searches = out.split('\n')[0]!.split(' ').slice(1);
    expect(searches.length).toBeLessThanOrEqual(32);
    expect(searches.join(' ').length).toBeLessThanOrEqual(2048);
    expect(searches[0]).toBe(many[0]);
  });
});

describe('parseResolvConf', () => {
  it('reads nameservers, the last search line and options, skipping comments and the root domain', () => {
    expect(parseResolvConf('nameserver 1.1.1.1 # primary\n; comment\nsearch a b\nsearch c. .\noptions rotate\noptions ndots:3\n')).toEqual({ nameservers: ['1.1.1.1'], searches: ['c'], options: ['rotate', 'ndots:3'] });
  });
});

describe('dnsMode', () => {
  it.each<[Partial<PodSpec>, string]>([
    [{}, 'cluster'],
    [{ hostNetwork: true }, 'host'],
    [{ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }, 'cluster'],
    [{ dnsPolicy: 'ClusterFirstWithHostNet' }, 'cluster'],
    [{ dnsPolicy: 'Default' }, 'host'],
    [{ dnsPolicy: 'None' }, 'none'],
  ])('%j → %s', (spec, want) => {
    expect(dnsMode(pod(spec))).toBe(want);
  });
});

describe('pickHostResolvConf', () => {
  const stub = 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n';
  const upstream = 'nameserver 192.0.2.1\nsearch lan\n';
  it('prefers systemd-resolved upstream file over a loopback stub, which pods cannot reach', () => {
    expect(pickHostResolvConf(stub, upstream)).toBe(upstream);
    expect(pickHostResolvConf(stub, undefined)).toBe(stub);
    expect(pickHostResolvConf(upstream, 'nameserver 192.0.2.2\n')).toBe(upstream);
  });
});
