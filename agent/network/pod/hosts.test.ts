import { describe, expect, it } from 'vitest';
import type { Pod, PodSpec } from '../../../shared/pod.js';
import { podHostname, renderHosts } from './hosts.js';

const head = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';

function pod(spec: Partial<PodSpec> = {}, name = 'web-7d4b9'): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } };
}

describe('renderHosts', () => {
  it.each<[string, Partial<PodSpec>, string]>([
    ['the pod name as host name', {}, `${head}10.42.3.7\tweb-7d4b9\n`],
    ['spec.hostname', { hostname: 'db-0' }, `${head}10.42.3.7\tdb-0\n`],
    ['hostname and subdomain: the fully qualified name first', { hostname: 'db-0', subdomain: 'db' }, `${head}10.42.3.7\tdb-0.db.shop.svc.cluster.local\tdb-0\n`],
    [
      'hostAliases, one line per address',
      { hostAliases: [{ ip: '192.0.2.10', hostnames: ['foo.local', 'bar.local'] }, { ip: '192.0.2.11', hostnames: ['baz.local'] }] },
      `${head}10.42.3.7\tweb-7d4b9\n\n# Entries added by HostAliases.\n192.0.2.10\tfoo.local\tbar.local\n192.0.2.11\tbaz.local\n`,
    ],
  ])('%s', (_why, spec, want) => {
    expect(renderHosts(pod(spec), { ip: '10.42.3.7', clusterDomain: 'cluster.local' })).toBe(want);
  });

  it('cuts host names longer than 63 characters as the kubelet does', () => {
    const long = `${'a'.repeat(62)}-b${'c'.repeat(10)}`;
    expect(podHostname(pod({}, long))).toBe('a'.repeat(62));
    expect(podHostname(pod({}, 'short'))).toBe('short');
  });
});
