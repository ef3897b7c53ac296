import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { isKedgeInterface } from '../network/node/devices.js';
import { inAnyRange } from '../network/node/ipv4.js';
import { nodeAddresses } from './addresses.js';

/** The interface of the IPv4 default route (the lowest metric) in the text of /proc/net/route. */
export function defaultRouteInterface(procNetRoute: string): string | undefined {
  let best: { iface: string; metric: number } | undefined;
  for (const line of procNetRoute.split('\n').slice(1)) {
    const [iface, destination, , flags, , , metric, mask] = line.trim().split(/\s+/);
    if (!iface || destination !== '00000000' || mask !== '00000000') continue;
    // RTF_UP
    if ((parseInt(flags ?? '0', 16) & 1) === 0) continue;
    const m = Number(metric);
    if (!best || m < best.metric) best = { iface, metric: m };
  }
  return best?.iface;
}

/** K3s's default node IP: the default-route interface's first IPv4 address, else the first non-loopback IPv4 of the node's own interfaces outside `exclude`. */
export function defaultNodeIP(ifaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>, defaultInterface: string | undefined, exclude: string[] = []): string | undefined {
  const v4 = (name: string) => (ifaces[name] ?? []).find((a) => a.family === 'IPv4' && !a.internal && !inAnyRange(a.address, exclude))?.address;
  const viaDefault = defaultInterface ? v4(defaultInterface) : undefined;
  if (viaDefault) return viaDefault;
  for (const name of Object.keys(ifaces)) {
    if (isKedgeInterface(name)) continue;
    const a = v4(name);
    if (a) return a;
  }
  return undefined;
}

export interface NodeIPSource {
  /** --node-ip; absent: found again at each call (DHCP may move it). */
  given?: string;
  /** The cluster and service ranges, once known: their addresses are kedge's. */
  exclude?: () => string[];
  /** Filesystem root for /proc (tests). */
  root?: string;
  interfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

/** The node's addresses right now, its node IP first. */
export function currentNodeAddresses(src: NodeIPSource): string[] {
  const ifaces = (src.interfaces ?? os.networkInterfaces)();
  const exclude = src.exclude?.() ?? [];
  let nodeIP = src.given;
  if (!nodeIP) {
    let routes = '';
    try {
      routes = readFileSync(join(src.root ?? '/', 'proc/net/route'), 'utf8');
    } catch {
      // not Linux, or /proc not mounted: fall back to the first address
    }
    nodeIP = defaultNodeIP(ifaces, defaultRouteInterface(routes), exclude);
  }
  return nodeAddresses(ifaces, { ...(nodeIP ? { nodeIP } : {}), exclude });
}
