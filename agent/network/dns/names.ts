/** DNS names as the cluster DNS compares them: lower case, no trailing dot. */
import { isIPv4 } from 'node:net';

/** Names are case-insensitive (RFC 4343); the index and every comparison use this form. */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** True when `name` is `zone` itself or below it (both canonical). */
export function isInZone(name: string, zone: string): boolean {
  return name === zone || (name.length > zone.length && name.endsWith(zone) && name[name.length - zone.length - 1] === '.');
}

/** 10.43.0.1 → 1.0.43.10.in-addr.arpa */
export function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

/** The IPv4 address a full reverse name stands for, or null (partial names, IPv6, anything else). */
export function ipOfReverseName(name: string): string | null {
  if (!name.endsWith('.in-addr.arpa')) return null;
  const octets = name.slice(0, -'.in-addr.arpa'.length).split('.');
  if (octets.length !== 4 || !octets.every((o) => /^(0|[1-9]\d{0,2})$/.test(o))) return null;
  const ip = octets.reverse().join('.');
  return isIPv4(ip) ? ip : null;
}

/** 10.42.0.5 → 10-42-0-5, the label Kubernetes DNS gives pods and endpoints without a hostname. */
export function dashedIp(ip: string): string {
  return ip.replaceAll('.', '-');
}

/** 10-42-0-5 → 10.42.0.5, or null when the label is no dashed IPv4 address. */
export function ipOfDashedLabel(label: string): string | null {
  if (!/^\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}$/.test(label)) return null;
  const ip = label.replaceAll('-', '.');
  return isIPv4(ip) ? ip : null;
}
