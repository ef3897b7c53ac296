import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { KedgeError } from '../../shared/errors.js';

export interface ServeOptions {
  host: string;
  /** 0 picks a free port; the one chosen is returned. */
  port: number;
  key: string;
  cert: string;
  /** Requests asking for a protocol upgrade (kubectl exec over WebSocket); without it they reach the app as plain requests. */
  onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

/** Serves the API over HTTPS; resolves once listening. */
export function serveApi(app: Hono, opts: ServeOptions): Promise<{ close(): Promise<void>; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({
      fetch: app.fetch,
      hostname: opts.host,
      port: opts.port,
      createServer: https.createServer,
      serverOptions: { key: opts.key, cert: opts.cert },
    }) as https.Server;
    // Upgraded sockets leave the server's bookkeeping: they are tracked here so close() ends them too.
    const upgraded = new Set<Duplex>();
    if (opts.onUpgrade) {
      const onUpgrade = opts.onUpgrade;
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        upgraded.add(socket);
        socket.once('close', () => upgraded.delete(socket));
        onUpgrade(req, socket, head);
      });
    }
    server.once('error', (e: NodeJS.ErrnoException) => {
      const hint = e.code === 'EADDRINUSE' ? ' (is another kedge server running?)' : '';
      reject(new KedgeError('ServiceUnavailable', `cannot listen on ${opts.host}:${opts.port}: ${e.message}${hint}`, { cause: e }));
    });
    server.once('listening', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            // Watch streams never end on their own; close them instead of waiting up to their timeout.
            server.closeAllConnections();
            for (const s of upgraded) s.destroy();
          }),
      });
    });
  });
}
