import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type WatchEvent } from '../../shared/client.js';
import { isKedgeError } from '../../shared/errors.js';
import type { Store } from '../store/types.js';
import { serveApi } from './serve.js';
import { adminToken, podManifest, testApi } from './testing/fixtures.js';

/** A self-signed P-256 certificate for 127.0.0.1, made with openssl. */
function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-api-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
      '-subj', '/CN=kedge-test', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'pipe' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('serveApi over HTTPS', () => {
  const tls = selfSigned();
  let live = 0;
  const fixture = testApi();
  // Counts store subscriptions so the test can see a watch let go of its own.
  const counted: Store = Object.create(fixture.store);
  counted.watch = (l, o) => {
    const stop = fixture.store.watch(l, o);
    live++;
    return () => {
      live--;
      stop();
    };
  };
  const { app } = testApi({ store: counted });
  let server: Awaited<ReturnType<typeof serveApi>>;
  let url: string;

  beforeAll(async () => {
    server = await serveApi(app, { host: '127.0.0.1', port: 0, key: tls.key, cert: tls.cert });
    url = `https://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
  });

  it('agrees with shared/client.ts on CRUD', async () => {
    const client = createApiClient({ server: url, ca: tls.cert, token: adminToken });
    const created = await client.create(podManifest('web', { app: 'web' }, 'default'));
    expect(created.metadata.uid).toBeTruthy();
    expect((await client.get('Pod', 'default', 'web')).metadata.name).toBe('web');
    expect((await client.list('Pod', { namespace: 'default', labelSelector: 'app=web' })).items).toHaveLength(1);
    expect((await client.list('Pod', { namespace: 'default', labelSelector: 'app=db' })).items).toHaveLength(0);
    const updated = await client.update({ ...created, metadata: { ...created.metadata, labels: { app: 'web', v: '2' } } });
    expect(updated.metadata.labels).toEqual({ app: 'web', v: '2' });
    await client.delete('Pod', 'default', 'web');
    const err = await client.get('Pod', 'default', 'web').catch((e: unknown) => e);
    expect(isKedgeError(err, 'NotFound')).toBe(true);
  });

  it('refuses a wrong token and an untrusted certificate', async () => {
    const wrong = await createApiClient({ server: url, ca: tls.cert, token: 'nope' }).list('Pod').catch((e: unknown) => e);
    expect(isKedgeError(wrong, 'Unauthorized')).toBe(true);
    const untrusted = await createApiClient({ server: url, token: adminToken }).list('Pod').catch((e: unknown) => e);
    expect((untrusted as Error).message).toMatch(/TLS|certificate/i);
  });

  it('enforces the body limit on the node server', async () => {
    const client = createApiClient({ server: url, ca: tls.cert, token: adminToken });
    const big = podManifest('big', {}, 'default');
    big.metadata.annotations = { filler: 'x'.repeat(1024 * 1024 + 1) };
    const err = await client.create(big).catch((e: unknown) => e);
    expect(isKedgeError(err, 'RequestEntityTooLarge')).toBe(true);
  });

  it('streams watch events to the client and lets go when it stops', async () => {
    const client = createApiClient({ server: url, ca: tls.cert, token: adminToken });
    const events: WatchEvent[] = [];
    const arrived = (n: number) =>
      new Promise<void>((resolve, reject) => {
        const t = setInterval(() => events.length >= n && (clearInterval(t), resolve()), 5);
        setTimeout(() => (clearInterval(t), reject(new Error(`only ${events.length} of ${n} events`))), 3000);
      });
    const w = client.watch('/api/v1/namespaces/default/pods', {}, (e) => events.push(e));
    await new Promise((r) => setTimeout(r, 100));
    expect(live).toBe(1);
    await client.create(podManifest('watched', {}, 'default'));
    await client.delete('Pod', 'default', 'watched');
    await arrived(2);
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED watched', 'DELETED watched']);
    w.stop();
    const deadline = Date.now() + 3000;
    while (live > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(live).toBe(0);
  });
});
