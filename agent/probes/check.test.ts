import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KedgeError } from '../../shared/errors.js';
import { createProbeCheck } from './check.js';
import { probeSpec } from './spec.js';

const servers: { close(): unknown }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function listen(s: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as { port: number }).port;
}

const check = createProbeCheck({
  exec: async (_id, args) => {
    if (args[0] === 'hang') throw new KedgeError('Timeout', 'exec in c did not finish within 1000 ms and was killed');
    return { exitCode: args[0] === 'ok' ? 0 : 2, stdout: args[0] === 'ok' ? '' : 'not ready\n', stderr: '' };
  },
});

describe('probe checks', () => {
  it('exec: exit 0 passes, otherwise the output is the message; a timeout says so', async () => {
    expect(await check({ type: 'exec', command: ['ok'] }, 'c', 1000)).toEqual({ ok: true, message: '' });
    expect(await check({ type: 'exec', command: ['bad'] }, 'c', 1000)).toEqual({ ok: false, message: 'not ready' });
    expect((await check({ type: 'exec', command: ['hang'] }, 'c', 1000)).message).toBe('command "hang" timed out after 1s');
  });

  it('httpGet: 2xx/3xx pass, others fail with the status code; headers, path and named ports resolve', async () => {
    const seen: { url?: string; h?: string }[] = [];
    const port = await listen(
      createHttpServer((req, res) => {
        seen.push({ url: req.url, h: req.headers['x-probe'] as string });
        res.statusCode = req.url === '/healthz' ? 200 : req.url === '/moved' ? 302 : 500;
        res.end(req.url === '/bad' ? 'db down' : '');
      }),
    );
    const spec = (path: string) =>
      probeSpec({ name: 'web', image: 'i', ports: [{ name: 'http', containerPort: port }], readinessProbe: { httpGet: { path, port: 'http', httpHeaders: [{ name: 'X-Probe', value: '1' }] } } }, 'readiness')!;
    expect(await check(spec('/healthz').action, 'c', 1000)).toEqual({ ok: true, message: '' });
    expect((await check(spec('/moved').action, 'c', 1000)).ok).toBe(true);
    expect(await check(spec('/bad').action, 'c', 1000)).toEqual({ ok: false, message: 'HTTP probe failed with statuscode: 500 (db down)' });
    expect(seen[0]).toEqual({ url: '/healthz', h: '1' });
  });

  it('httpGet: a refused connection and a slow server fail with Kubernetes-like messages', async () => {
    const closed = await listen(createTcpServer());
    servers.pop()!.close();
    const refused = await check({ type: 'http', scheme: 'http', host: '127.0.0.1', port: closed, path: '/', headers: {} }, 'c', 1000);
    expect(refused.message).toMatch(new RegExp(`^Get "http://127.0.0.1:${closed}/": connect ECONNREFUSED`));
    const slow = await listen(createHttpServer(() => undefined));
    const timedOut = await check({ type: 'http', scheme: 'http', host: '127.0.0.1', port: slow, path: '/', headers: {} }, 'c', 100);
    expect(timedOut).toEqual({ ok: false, message: `Get "http://127.0.0.1:${slow}/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
  });

  it('tcpSocket: a listening port passes, a closed one fails', async () => {
    const port = await listen(createTcpServer((s) => s.end()));
    expect(await check({ type: 'tcp', host: '127.0.0.1', port }, 'c', 1000)).toEqual({ ok: true, message: '' });
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 10));
    const r = await check({ type: 'tcp', host: '127.0.0.1', port }, 'c', 1000);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(new RegExp(`^dial tcp 127.0.0.1:${port}: connect ECONNREFUSED`));
  });

  it('probeSpec applies Kubernetes defaults', () => {
    expect(probeSpec({ name: 'w', image: 'i', livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 5 } }, 'liveness')).toEqual({
      kind: 'liveness', action: { type: 'tcp', host: '127.0.0.1', port: 80 }, initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3,
    });
    expect(() => probeSpec({ name: 'w', image: 'i', livenessProbe: {} }, 'liveness')).toThrow(/one of exec, httpGet or tcpSocket/);
  });
});
