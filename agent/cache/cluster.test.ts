import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterNetwork, ClusterServices } from '../../shared/cluster-network.js';
import { createClusterCache } from './cluster.js';

function network(revision: number, backend: ClusterNetwork['backend'] = 'host-gw'): ClusterNetwork {
  return {
    revision,
    clusterCIDR: '10.42.0.0/16',
    serviceCIDR: '10.43.0.0/16',
    clusterDNS: '10.43.0.10',
    clusterDomain: 'cluster.local',
    backend,
    nodePortRange: { min: 30000, max: 32767 },
    nodes: [{ name: 'edge-1', podCIDR: '10.42.0.0/24', internalIP: '192.0.2.1' }],
  };
}

function services(revision: number, names: string[] = ['web']): ClusterServices {
  return {
    revision,
    services: names.map((name) => ({ namespace: 'default', name, type: 'ClusterIP' as const, clusterIP: '10.43.0.20', ports: [{ name: '', protocol: 'TCP' as const, port: 80 }], endpoints: [] })),
  };
}

const dir = () => mkdtemp(join(tmpdir(), 'kedge-cluster-cache-'));

describe('cluster cache', () => {
  it('keeps the newest message by revision and brings both back from disk after a restart', async () => {
    const d = await dir();
    const logs: string[] = [];
    const c = createClusterCache({ dataDir: d, log: (m) => logs.push(m) });
    await c.load();
    expect(c.network).toBeNull();
    expect(c.services).toBeNull();
    expect(c.offerNetwork(network(5))).toBe(true);
    expect(c.offerNetwork(network(5, 'vxlan'))).toBe(false);
    expect(c.offerNetwork(network(3, 'vxlan'))).toBe(false);
    expect(c.network?.backend).toBe('host-gw');
    expect(logs.join('\n')).toMatch(/cluster network revision 3 ignored: revision 5 is newer/);
    expect(c.offerServices(services(2))).toBe(true);
    expect(c.offerServices(services(4, ['web', 'db']))).toBe(true);
    await c.flush();
    expect((await stat(join(d, 'cluster-network.json'))).mode & 0o777).toBe(0o600);

    const again = createClusterCache({ dataDir: d });
    await again.load();
    expect(again.network).toEqual(network(5));
    expect(again.services).toEqual(services(4, ['web', 'db']));
    // The server's older retained copy does not replace the newer one from disk.
    expect(again.offerServices(services(3))).toBe(false);
  });

  it('after a burst of messages, the newest is on disk', async () => {
    const d = await dir();
    const c = createClusterCache({ dataDir: d });
    await c.load();
    for (let r = 1; r <= 50; r++) c.offerServices(services(r));
    await c.flush();
    const onDisk = JSON.parse(await readFile(join(d, 'cluster-services.json'), 'utf8')) as ClusterServices;
    expect(onDisk.revision).toBe(50);
  });

  it('ignores a corrupt file and falls back to the previous good copy, saying so', async () => {
    const d = await dir();
    const c = createClusterCache({ dataDir: d });
    await c.load();
    c.offerNetwork(network(1));
    await c.flush();
    c.offerNetwork(network(2));
    await c.flush();
    await writeFile(join(d, 'cluster-network.json'), '{"revision": 2, "clu');
    await writeFile(join(d, 'cluster-services.json'), JSON.stringify({ revision: 'x', services: [] }));
    const logs: string[] = [];
    const again = createClusterCache({ dataDir: d, log: (m) => logs.push(m) });
    await again.load();
    expect(again.network?.revision).toBe(1);
    expect(again.services).toBeNull();
    expect(logs.join('\n')).toMatch(/cluster-network\.json is corrupt or truncated/);
    expect(logs.join('\n')).toMatch(/cluster-services\.json is not a valid cluster services message \(revision: /);
  });
});
