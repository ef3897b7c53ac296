/** The network configuration lists the agent attaches pods with. Pure. */
import { KedgeError } from '../../../../shared/errors.js';
import type { NodeNetworkFacts } from '../../types.js';
import type { NetworkList } from './network-list.js';

/** The spec versions kedge speaks, best first. */
export const cniVersions = ['1.0.0', '0.4.0', '0.3.1'] as const;

const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIPv4(s: string): number | undefined {
  const m = ipv4.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return (((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0);
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** An IPv4 CIDR as network address and prefix length; undefined when it is not one. */
export function parseCidr(cidr: string): { network: number; prefixLength: number } | undefined {
  const [addr, len, ...rest] = cidr.split('/');
  const n = parseIPv4(addr ?? '');
  const p = Number(len);
  if (rest.length || n === undefined || !/^\d{1,2}$/.test(len ?? '') || p > 32) return undefined;
  const mask = p === 0 ? 0 : (~0 << (32 - p)) >>> 0;
  return { network: (n & mask) >>> 0, prefixLength: p };
}

export function cidrContains(cidr: string, ip: string): boolean {
  const c = parseCidr(cidr);
  const n = parseIPv4(ip);
  if (!c || n === undefined) return false;
  const mask = c.prefixLength === 0 ? 0 : (~0 << (32 - c.prefixLength)) >>> 0;
  return ((n & mask) >>> 0) === c.network;
}

/**
 * The pod network: the bridge plugin (the bridge holds the range's first address and is the
 * pods' default gateway; no ipMasq: masquerading is done in nftables) with host-local IPAM over
 * the node's pod range.
 */
export function podNetworkList(o: { name: string; cniVersion: string; facts: Pick<NodeNetworkFacts, 'bridge' | 'podCIDR' | 'mtu'>; ipamDataDir: string }): NetworkList {
  const range = parseCidr(o.facts.podCIDR);
  if (!range || range.prefixLength > 30) throw new KedgeError('Invalid', `pod range "${o.facts.podCIDR}" must be an IPv4 CIDR of at least 4 addresses, e.g. 10.42.3.0/24`);
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(o.facts.bridge)) throw new KedgeError('Invalid', `bridge name "${o.facts.bridge}" must be 1-15 letters, digits, ".", "_" or "-"`);
  if (!Number.isInteger(o.facts.mtu) || o.facts.mtu < 576 || o.facts.mtu > 65535) throw new KedgeError('Invalid', `pod MTU ${o.facts.mtu} must be an integer between 576 and 65535`);
  return {
    cniVersion: o.cniVersion,
    name: o.name,
    plugins: [
      {
        type: 'bridge',
        bridge: o.facts.bridge,
        isGateway: true,
        isDefaultGateway: true,
        ipMasq: false,
        hairpinMode: true,
        mtu: o.facts.mtu,
        ipam: { type: 'host-local', ranges: [[{ subnet: `${formatIPv4(range.network)}/${range.prefixLength}` }]], dataDir: o.ipamDataDir },
      },
    ],
  };
}

/** `lo` up inside the pod; its own list, because the loopback plugin does not pass a prevResult on. */
export function loopbackList(cniVersion: string): NetworkList {
  return { cniVersion, name: 'kedge-loopback', plugins: [{ type: 'loopback' }] };
}

/** The host-local call that frees an address no journal entry holds: host-local releases by container id, whatever the range. */
export function releaseLeaseConfig(o: { cniVersion: string; network: string; ip: string; ipamDataDir: string }): Record<string, unknown> {
  const n = parseIPv4(o.ip) ?? 0;
  return { cniVersion: o.cniVersion, name: o.network, ipam: { type: 'host-local', ranges: [[{ subnet: `${formatIPv4((n & 0xffffff00) >>> 0)}/24` }]], dataDir: o.ipamDataDir } };
}
