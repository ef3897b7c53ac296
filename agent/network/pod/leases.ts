/** host-local's store read back: one file per address, named after it, holding the container id (and interface). */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseIPv4 } from './cni/config.js';

export interface Lease {
  /** The network name (host-local's directory). */
  network: string;
  ip: string;
  containerId: string;
  ifname?: string;
}

/** Parses one lease file: "<container id>\r\n<ifname>" (plugins 0.9+) or the bare id of older ones. */
export function parseLease(network: string, ip: string, content: string): Lease | undefined {
  const [id, ifname] = content.split(/\r?\n/).map((s) => s.trim());
  if (!id) return undefined;
  return { network, ip, containerId: id, ...(ifname ? { ifname } : {}) };
}

/** Every IPv4 lease under host-local's data directory. */
export async function readLeases(dataDir: string): Promise<Lease[]> {
  const out: Lease[] = [];
  let networks: string[];
  try {
    networks = await readdir(dataDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  for (const network of networks) {
    let files: string[];
    try {
      files = await readdir(join(dataDir, network));
    } catch {
      continue; // not a directory
    }
    for (const f of files) {
      if (parseIPv4(f) === undefined) continue; // lock, last_reserved_ip.0
      const content = await readFile(join(dataDir, network, f), 'utf8').catch(() => '');
      const lease = parseLease(network, f, content);
      if (lease) out.push(lease);
    }
  }
  return out;
}
