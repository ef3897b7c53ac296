import { isIP } from 'node:net';
import { KedgeError } from '../../shared/errors.js';

/** Subject alternative names, normalised so two sets compare by string equality. */
export interface SanSet {
  dns: string[];
  ips: string[];
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Canonical text of an IP address (IPv6 compressed, lower case, zone dropped); null if not an IP. */
export function normalizeIp(text: string): string | null {
  const ip = text.replace(/%.*$/, '');
  const family = isIP(ip);
  if (family === 4) return ip;
  if (family === 6) return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  return null;
}

/** A DNS name fit for a certificate (lower case; a leading `*.` wildcard allowed); null if not one. */
export function normalizeDns(text: string): string | null {
  const name = text.trim().toLowerCase().replace(/\.$/, '');
  if (!name || name.length > 253) return null;
  const labels = name.split('.');
  const check = labels[0] === '*' && labels.length > 1 ? labels.slice(1) : labels;
  return check.every((l) => l.length <= 63 && dnsLabel.test(l)) ? name : null;
}

/** Sorts entries into IPs and DNS names; throws naming `field` for one that is neither. */
export function classifySans(entries: string[], field: string): SanSet {
  const set: SanSet = { dns: [], ips: [] };
  for (const entry of entries) {
    const ip = normalizeIp(entry.trim());
    if (ip) {
      set.ips.push(ip);
      continue;
    }
    const dns = normalizeDns(entry);
    if (!dns) throw new KedgeError('BadRequest', `${field}: "${entry}" is neither an IP address nor a valid DNS name`);
    set.dns.push(dns);
  }
  return dedupe(set);
}

/**
 * The names the server certificate must carry: the hostname, localhost, every local address and
 * the operator's extra SANs (--tls-san). An unusable hostname is skipped with a warning rather
 * than stopping the server.
 */
export function wantedSans(hostname: string, extra: string[], addresses: string[], log?: (m: string) => void): SanSet {
  const set = classifySans(extra, '--tls-san');
  const host = normalizeIp(hostname) ?? normalizeDns(hostname);
  if (host) (isIP(host) ? set.ips : set.dns).push(host);
  else log?.(`warning: hostname "${hostname}" is not a valid DNS name; it is left out of the server certificate`);
  set.dns.push('localhost');
  for (const a of addresses) {
    const ip = normalizeIp(a);
    if (ip) set.ips.push(ip);
  }
  return dedupe(set);
}

/** Parses node's X509Certificate#subjectAltName ("DNS:a, IP Address:1.2.3.4"). */
export function parseSubjectAltName(text: string | undefined): SanSet {
  const set: SanSet = { dns: [], ips: [] };
  for (const part of (text ?? '').split(', ')) {
    if (part.startsWith('DNS:')) set.dns.push(part.slice(4).toLowerCase());
    else if (part.startsWith('IP Address:')) {
      const ip = normalizeIp(part.slice(11));
      if (ip) set.ips.push(ip);
    }
  }
  return dedupe(set);
}

/** The wanted names the certificate lacks, as "DNS:x" / "IP:y" for log lines. */
export function missingSans(have: SanSet, want: SanSet): string[] {
  return [
    ...want.dns.filter((d) => !have.dns.includes(d)).map((d) => `DNS:${d}`),
    ...want.ips.filter((i) => !have.ips.includes(i)).map((i) => `IP:${i}`),
  ];
}

function dedupe(set: SanSet): SanSet {
  return { dns: [...new Set(set.dns)], ips: [...new Set(set.ips)] };
}
