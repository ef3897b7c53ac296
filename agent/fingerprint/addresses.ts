import os from 'node:os';
import { isKedgeInterface } from '../network/node/devices.js';
import { inAnyRange } from '../network/node/ipv4.js';

export interface NodeAddressOptions {
  /** The InternalIP (--node-ip or the default-route interface's address): reported first. */
  nodeIP?: string;
  /** Ranges whose addresses are kedge's, not the node's (the cluster and service ranges). */
  exclude?: string[];
}

/**
 * The node's addresses as it reports them: the node IP first, then the other non-internal IPv4
 * addresses, then IPv6 (link-local last); kedge's own interfaces and ranges left out; 127.0.0.1
 * when there is nothing else.
 */
export function nodeAddresses(ifaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(), o: NodeAddressOptions = {}): string[] {
  const v4: string[] = o.nodeIP ? [o.nodeIP] : [];
  const v6: string[] = [];
  const linkLocal: string[] = [];
  const exclude = o.exclude ?? [];
  for (const [name, list] of Object.entries(ifaces)) {
    if (isKedgeInterface(name)) continue;
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv4') {
        if (!inAnyRange(a.address, exclude)) v4.push(a.address);
      } else if (a.address.toLowerCase().startsWith('fe80:')) linkLocal.push(a.address);
      else v6.push(a.address);
    }
  }
  const all = [...new Set([...v4, ...v6, ...linkLocal])].slice(0, 64);
  return all.length ? all : ['127.0.0.1'];
}
