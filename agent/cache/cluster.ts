import { join } from 'node:path';
import type { z } from 'zod';
import { clusterNetworkSchema, clusterServicesSchema, type ClusterNetwork, type ClusterServices } from '../../shared/cluster-network.js';
import { createCoalescer, type Coalescer } from '../coalescer.js';
import { createRevisionedFile, type RevisionedFile } from './revisioned-file.js';

/**
 * The newest cluster network and services messages this node has seen, in memory and on disk, so
 * that routes, Service rules and DNS come back after a restart while the server is away.
 */
export interface ClusterCache {
  readonly network: ClusterNetwork | null;
  readonly services: ClusterServices | null;
  /** Reads both files (at start, before the server is reached). */
  load(): Promise<void>;
  /** Keeps the message when it is newer than the one held; true when it did (then it is written in the background). */
  offerNetwork(network: ClusterNetwork): boolean;
  offerServices(services: ClusterServices): boolean;
  /** Waits for the writes in flight or pending. */
  flush(): Promise<void>;
}

interface Slot<T extends { revision: number }> {
  current: T | null;
  file: RevisionedFile<T>;
  writer: Coalescer<T>;
}

export function createClusterCache(o: { dataDir: string; log?: (msg: string) => void }): ClusterCache {
  const log = o.log ?? (() => undefined);

  function slot<T extends { revision: number }>(name: string, what: string, schema: z.ZodType<T>): Slot<T> {
    const file = createRevisionedFile<T>({ path: join(o.dataDir, name), schema, label: 'cluster cache', what, log });
    // Endpoints change in bursts; an SD card gets one write per burst, always of the newest message.
    const writer = createCoalescer<T>(async (m) => void (await file.save(m)), (e) => log(`cannot save the ${what} to ${file.path}: ${e.message}`));
    return { current: null, file, writer };
  }

  const network = slot<ClusterNetwork>('cluster-network.json', 'cluster network message', clusterNetworkSchema);
  const services = slot<ClusterServices>('cluster-services.json', 'cluster services message', clusterServicesSchema);

  function offer<T extends { revision: number }>(s: Slot<T>, what: string, m: T): boolean {
    if (s.current && m.revision <= s.current.revision) {
      if (m.revision < s.current.revision) log(`${what} revision ${m.revision} ignored: revision ${s.current.revision} is newer`);
      return false;
    }
    s.current = m;
    s.writer.push(m);
    return true;
  }

  return {
    get network() {
      return network.current;
    },
    get services() {
      return services.current;
    },
    async load() {
      network.current = await network.file.load();
      services.current = await services.file.load();
    },
    offerNetwork: (m) => offer(network, 'cluster network', m),
    offerServices: (m) => offer(services, 'cluster services', m),
    async flush() {
      await network.writer.idle();
      await services.writer.idle();
    },
  };
}
