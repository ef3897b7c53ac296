/** /etc/hosts for a pod as the kubelet writes it. Pure. */
import type { Pod } from '../../../shared/pod.js';

/** spec.hostname, else the pod's name, cut to 63 characters without a trailing "-" or ".", as the kubelet does. */
export function podHostname(pod: Pod): string {
  const name = pod.spec.hostname || pod.metadata.name || '';
  return name.length > 63 ? name.slice(0, 63).replace(/[-.]+$/, '') : name;
}

export function renderHosts(pod: Pod, o: { ip: string; clusterDomain: string }): string {
  const hostname = podHostname(pod);
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  if (pod.spec.subdomain) {
    const domain = `${pod.spec.subdomain}.${pod.metadata.namespace ?? 'default'}.svc.${o.clusterDomain.replace(/\.$/, '')}`;
    lines.push(`${o.ip}\t${hostname}.${domain}\t${hostname}`);
  } else {
    lines.push(`${o.ip}\t${hostname}`);
  }
  const aliases = pod.spec.hostAliases ?? [];
  if (aliases.length) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of aliases) lines.push(`${a.ip}\t${(a.hostnames ?? []).join('\t')}`);
  }
  return `${lines.join('\n')}\n`;
}
