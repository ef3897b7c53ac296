/** A `kedge server --disable-agent` child on loopback, for tests that need no containerd. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApiClient, type ApiClient } from '../../shared/client.js';
import { freePort, startKedge, waitFor, type Proc } from './cluster.js';

export interface ServerOnly {
  dataDir: string;
  url: string;
  httpsPort: number;
  mqttPort: number;
  proc: Proc;
  client: ApiClient;
  ca: string;
  joinToken: string;
  /** Starts the server again on the same data dir and ports (after a stop or a kill). */
  restart(): Promise<void>;
}

/** `host` is the address to bind and reach it at (default 127.0.0.1); `extra` more server flags. */
export async function startServerOnly(dataDir: string, o: { host?: string; extra?: string[] } = {}): Promise<ServerOnly> {
  const host = o.host ?? '127.0.0.1';
  const httpsPort = await freePort();
  const mqttPort = await freePort();
  const url = `https://${host}:${httpsPort}`;
  const args = ['server', '--data-dir', dataDir, '--bind-address', host, '--https-port', String(httpsPort), '--mqtt-port', String(mqttPort), '--node-name', 'server-0', '--disable-agent', ...(o.extra ?? [])];
  const s = { dataDir, url, httpsPort, mqttPort } as ServerOnly;

  async function up(): Promise<void> {
    s.proc = startKedge(args);
    await waitFor('the server to answer /readyz', async () => {
      if (s.proc.child.exitCode !== null) throw new Error(`the server exited:\n${s.proc.output()}`);
      if (!s.client) {
        if (!existsSync(join(dataDir, 'admin-token')) || !existsSync(join(dataDir, 'kedge.yaml'))) return false;
        s.ca = readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8');
        s.joinToken = readFileSync(join(dataDir, 'token'), 'utf8').trim();
        s.client = createApiClient({ server: url, ca: s.ca, token: readFileSync(join(dataDir, 'admin-token'), 'utf8').trim(), timeoutMs: 5000 });
      }
      return (await s.client.request<string>('GET', '/readyz', undefined, { timeoutMs: 1000 })) === 'ok';
    }, 30_000, 50);
  }

  s.restart = up;
  await up();
  return s;
}
