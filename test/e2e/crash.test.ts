import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Node } from '../../shared/node.js';
import type { KObject } from '../../shared/meta.js';
import { createSession, type Session } from '../../agent/session/session.js';
import { tempDir, waitFor, type Proc } from './cluster.js';
import { startServerOnly } from './server-only.js';
import { joinSimNode, simReport } from './sim-node.js';

const skip = process.platform !== 'linux' ? 'needs Linux' : null;

const trials = 20;
const writers = 6;

interface ConfigMap extends KObject {
  data?: Record<string, string>;
}

describe.skipIf(skip !== null)(`crash safety: kill -9 of the server loses no acknowledged write${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const dir = tempDir('crash');
  const dataDir = join(dir, 'server');
  let server: Proc | undefined;
  let session: Session | undefined;

  afterAll(async () => {
    await session?.close();
    await server?.stop();
    if (!process.env.KEEP_E2E) rmSync(dir, { recursive: true, force: true });
  });

  it(`${trials} trials: every ConfigMap whose create was answered 201 is there after the restart, and a node reconnects by itself`, async () => {
    const srv = await startServerOnly(dataDir);
    server = srv.proc;
    let api = srv.client;

    // A node that lives through every crash, with the agent's own session (back-off and all).
    const creds = await joinSimNode(srv.url, srv.ca, srv.joinToken, 'survivor');
    let connects = 0;
    session = createSession({
      nodeName: 'survivor',
      credentials: { url: creds.mqttUrl, username: creds.username, password: creds.password, ca: creds.ca },
      heartbeatMs: 1000,
      report: async () => simReport('survivor'),
      podStatuses: () => [],
      onDesired: () => undefined,
      onConnectionChange: (c) => void (c && connects++),
    });

    const acked = new Map<string, string>(); // name → data value the server acknowledged
    let maxAckedRv = 0;
    let refused = 0;
    for (let trial = 0; trial < trials; trial++) {
      let stop = false;
      let n = 0;
      const loop = async (w: number) => {
        while (!stop) {
          const name = `cm-${trial}-${w}-${n++}`;
          const value = `${trial}/${w}/${n}/${'x'.repeat((n * 37) % 300)}`;
          try {
            const created = await api.create<ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { v: value } });
            acked.set(name, value);
            maxAckedRv = Math.max(maxAckedRv, Number(created.metadata.resourceVersion));
          } catch {
            refused++; // in flight when the server died: not acknowledged, may or may not be there
            return;
          }
        }
      };
      const loops = Array.from({ length: writers }, (_, w) => loop(w));
      // At any moment: somewhere in the first 0.7 s of writing.
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 600));
      server.child.kill('SIGKILL');
      await server.exited;
      stop = true;
      await Promise.all(loops);

      await srv.restart();
      server = srv.proc;
      api = srv.client;
      const list = await api.list<ConfigMap>('ConfigMap', { namespace: 'default' });
      const have = new Map(list.items.map((o) => [o.metadata.name!, o.data?.v]));
      const lost = [...acked].filter(([name, v]) => have.get(name) !== v).map(([name]) => name);
      expect(lost, `trial ${trial}: acknowledged but missing or different after kill -9`).toEqual([]);
      expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(maxAckedRv);
    }
    expect(acked.size).toBeGreaterThan(trials * 10); // the test really wrote while killing
    expect(refused).toBeGreaterThan(0);

    // The node comes back on its own and reports: Ready again.
    await waitFor('the node to reconnect by itself and be Ready', async () => {
      const n = await api.get<Node>('Node', undefined, 'survivor');
      return session!.connected && n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    }, 40_000, 200);
    expect(connects).toBeGreaterThan(1);
  });
});
