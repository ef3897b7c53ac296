import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { JoinResponse } from '../../../shared/messages.js';
import type { TestPki } from './pki.js';

/** For tests only. */
export interface TestJoinServer {
  url: string;
  joins: { auth?: string; body: unknown }[];
  close(): Promise<void>;
}

/** A tiny kedge-like HTTPS server: /cacerts and /kedge/v1/join. */
export async function startTestJoinServer(pki: TestPki, o: { servedCa?: string; joinStatus?: number; joinMessage?: string; mqttUrl?: string } = {}): Promise<TestJoinServer> {
  const joins: TestJoinServer['joins'] = [];
  const server = https.createServer({ key: pki.key, cert: pki.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/cacerts') {
        res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(o.servedCa ?? pki.caPem);
        return;
      }
      if (req.method === 'POST' && req.url === '/kedge/v1/join') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { nodeName: string };
        joins.push({ auth: req.headers.authorization, body });
        if (o.joinStatus) {
          res.writeHead(o.joinStatus, { 'content-type': 'application/json' }).end(
            JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: o.joinMessage ?? 'no', code: o.joinStatus }),
          );
          return;
        }
        const answer: JoinResponse = { nodeName: body.nodeName, ca: pki.caPem, mqtt: { url: o.mqttUrl ?? 'mqtts://127.0.0.1:8883', username: body.nodeName, password: 'mqtt-secret' } };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `https://127.0.0.1:${port}`, joins, close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }), };
}

