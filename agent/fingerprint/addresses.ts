import os from 'node:os';

/** Non-internal IPv4 addresses first, then IPv6 (link-local last); 127.0.0.1 when there is none. */
export function nodeAddresses(ifaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string[] {
  const v4: string[] = [];
  const v6: string[] = [];
  const linkLocal: string[] = [];
  for (const list of Object.values(ifaces)) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv4') v4.push(a.address);
      else if (a.address.toLowerCase().startsWith('fe80:')) linkLocal.push(a.address);
      else v6.push(a.address);
    }
  }
  const all = [...new Set([...v4, ...v6, ...linkLocal])].slice(0, 64);
  return all.length ? all : ['127.0.0.1'];
}
