import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from './client.js';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

describe('api client', () => {
  it('sends a GET again when the kept-alive socket it reused was closed by the server, once', async () => {
    let requests = 0;
    const server = http.createServer((req, res) => {
      requests++;
      // The second request arrives on the first one's socket: the server drops it, as an idle timeout would.
      if (requests === 2) return req.socket.destroy();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ n: requests }));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = createApiClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    expect(await client.request('GET', '/a')).toEqual({ n: 1 });
    expect(await client.request('GET', '/b')).toEqual({ n: 3 });
    requests = 1;
    await expect(client.request('POST', '/c', {})).rejects.toThrow(/ECONNRESET/);
  });
});
