/** /etc/resolv.conf for a pod as the kubelet writes it, from its dnsPolicy and dnsConfig. Pure. */
import type { Pod } from '../../../shared/pod.js';

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: string[];
}

/** The kubelet's limits: 3 nameservers, 32 search domains, 2048 characters of search list. */
const maxNameservers = 3;
const maxSearches = 32;
const maxSearchChars = 2048;

/** nameserver, search (the last line wins) and options lines, as the kubelet reads them. */
export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...fields] = line.split(/\s+/);
    if (key === 'nameserver' && fields[0]) out.nameservers.push(fields[0]);
    else if (key === 'search') out.searches = fields.filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    else if (key === 'options') out.options = mergeOptions(out.options, fields);
  }
  return out;
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/** Options by name, later ones replacing earlier ones in place (ndots:2 then ndots:5 → ndots:5). */
function mergeOptions(base: readonly string[], more: readonly string[]): string[] {
  const byName = new Map<string, string>();
  for (const o of [...base, ...more]) byName.set(o.split(':')[0]!, o);
  return [...byName.values()];
}

export type DnsMode = 'cluster' | 'host' | 'none';

/** ClusterFirst (the default) falls back to the node's settings for hostNetwork pods; ClusterFirstWithHostNet does not. */
export function dnsMode(pod: Pod): DnsMode {
  switch (pod.spec.dnsPolicy ?? 'ClusterFirst') {
    case 'None':
      return 'none';
    case 'Default':
      return 'host';
    case 'ClusterFirstWithHostNet':
      return 'cluster';
    case 'ClusterFirst':
      return pod.spec.hostNetwork ? 'host' : 'cluster';
  }
}

export interface DnsSettings {
  clusterDNS: string;
  clusterDomain: string;
  /** The node's resolv.conf text (its nameservers must be reachable from pods: not a loopback stub). */
  hostResolvConf: string;
}

/** The pod's resolver settings, within the kubelet's limits. */
export function podResolvConf(pod: Pod, s: DnsSettings): ResolvConf {
  const host = parseResolvConf(s.hostResolvConf);
  const ns = pod.metadata.namespace ?? 'default';
  let c: ResolvConf;
  switch (dnsMode(pod)) {
    case 'none':
      c = { nameservers: [], searches: [], options: [] };
      break;
    case 'host':
      c = host;
      break;
    case 'cluster': {
      const d = s.clusterDomain.replace(/\.$/, '');
      c = { nameservers: [s.clusterDNS], searches: unique([`${ns}.svc.${d}`, `svc.${d}`, d, ...host.searches]), options: ['ndots:5'] };
      break;
    }
  }
  const extra = pod.spec.dnsConfig;
  if (extra) {
    c = {
      nameservers: unique([...c.nameservers, ...(extra.nameservers ?? [])]),
      searches: unique([...c.searches, ...(extra.searches ?? [])]),
      options: mergeOptions(c.options, (extra.options ?? []).map((o) => (o.value !== undefined && o.value !== '' ? `${o.name}:${o.value}` : o.name))),
    };
  }
  return { nameservers: c.nameservers.slice(0, maxNameservers), searches: fitSearches(c.searches), options: c.options };
}

function fitSearches(searches: readonly string[]): string[] {
  const out = searches.slice(0, maxSearches);
  while (out.length && out.join(' ').length > maxSearchChars) out.pop();
  return out;
}

/** search, nameserver and options lines, in the order containerd writes them. */
export function formatResolvConf(c: ResolvConf): string {
  const lines: string[] = [];
  if (c.searches.length) lines.push(`search ${c.searches.join(' ')}`);
  for (const n of c.nameservers) lines.push(`nameserver ${n}`);
  if (c.options.length) lines.push(`options ${c.options.join(' ')}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export function renderResolvConf(pod: Pod, s: DnsSettings): string {
  return formatResolvConf(podResolvConf(pod, s));
}

/**
 * Which node file pods should inherit: a loopback nameserver (systemd-resolved's 127.0.0.53, a
 * local dnsmasq) cannot be reached from a pod's namespace, so the resolved upstream file is used
 * when there is one, as the kubelet and K3s do.
 */
export function pickHostResolvConf(etc: string, systemdResolved: string | undefined): string {
  const servers = parseResolvConf(etc).nameservers;
  const loopbackOnly = servers.length > 0 && servers.every((n) => /^127\.|^::1$/.test(n));
  return loopbackOnly && systemdResolved !== undefined ? systemdResolved : etc;
}
