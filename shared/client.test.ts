import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from './client.js';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A server that drops a kept-alive connection at its second request, as one closing an idle socket does at the wrong moment. */
async function droppingServer(): Promise<{ url: string; requests: string[] }> {
  const served = new WeakSet<Socket>();
  const requests: string[] = [];
  server = http.createServer((req, res) => {
    if (served.has(req.socket)) {
      req.socket.destroy();
      return;
    }
    served.add(req.socket);
    requests.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true }));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe('API client', () => {
  it('sends an idempotent request again when the kept-alive socket it reused was closed', async () => {
    const { url, requests } = await droppingServer();
    const client = createApiClient({ server: url });
    expect(await client.request('GET', '/a')).toEqual({ ok: true });
    expect(await client.request('GET', '/b')).toEqual({ ok: true });
    expect(requests).toEqual(['GET /a', 'GET /b']);
  });

  it('does not send a POST twice', async () => {
    const { url } = await droppingServer();
    const client = createApiClient({ server: url });
    await client.request('GET', '/a');
    await expect(client.request('POST', '/b', {})).rejects.toThrow(/ECONNRESET|socket hang up/);
  });
});
