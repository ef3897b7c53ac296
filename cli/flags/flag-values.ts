import net from 'node:net';
import { KedgeError } from '../../shared/errors.js';
import { labelsSchema } from '../../shared/meta.js';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A TCP port from a flag or variable; `what` names it in the error. */
export function parsePort(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^[0-9]+$/.test(text.trim()) || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new KedgeError('BadRequest', `${what}: "${text}" is not a port; use a number from 1 to 65535`);
  }
  return n;
}

/** Node names become MQTT topic segments and label values, so they must be DNS-1123 labels. */
export function parseNodeName(text: string, what: string): string {
  if (text.length > 63 || !dns1123Label.test(text)) {
    throw new KedgeError(
      'BadRequest',
      `${what}: "${text}" is not a valid node name; use at most 63 lower-case letters, digits or '-', starting and ending with a letter or digit`,
    );
  }
  return text;
}

/** The default node name: the host name, lower-cased, without its domain. */
export function defaultNodeName(hostname: string): string {
  return hostname.toLowerCase().split('.')[0] ?? '';
}

/** `k=v` pairs (from repeated flags or a comma-separated variable) → a validated label map. */
export function parseLabels(pairs: string[], what: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new KedgeError('BadRequest', `${what}: "${pair}" is not a label; use key=value`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const r = labelsSchema.safeParse(labels);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new KedgeError('BadRequest', `${what}: label "${String(issue.path[0] ?? '')}": ${issue.message}`);
  }
  return labels;
}

/** An https:// URL of a kedge server; `what` names the flag or variable. */
export function parseServerUrl(text: string, what: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new KedgeError('BadRequest', `${what}: "${text}" is not a URL; use https://HOST:6443`);
  }
  if (url.protocol !== 'https:') throw new KedgeError('BadRequest', `${what}: "${text}" must start with https://`);
  return url.origin;
}

/** --node-ip: the node's IPv4 InternalIP (IPv6-only nodes are not supported yet). */
export function parseNodeIP(text: string | undefined, what: string): string | undefined {
  if (text === undefined) return undefined;
  if (!net.isIPv4(text.trim())) throw new KedgeError('BadRequest', `${what}: "${text}" is not an IPv4 address; give the address other nodes reach this one at, e.g. 192.168.1.20`);
  return text.trim();
}
