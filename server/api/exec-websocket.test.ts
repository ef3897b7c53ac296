import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { KObject } from '../../shared/meta.js';
import type { RpcRequest } from '../../shared/rpc.js';
import { openStore } from '../store/store.js';
import type { Store } from '../store/types.js';
import { execUpgradeHandler, exitStatus, parseExecUpgrade } from './exec-websocket.js';

const token = 'admin-token-0123456789';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

function cluster(): Store {
  const store = openStore(':memory:');
  store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } } as KObject);
  store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'edge-1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } } as KObject);
  store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { nodeName: 'edge-1', containers: [{ name: 'c', image: 'x' }] } } as KObject);
  return store;
}

/** An HTTP server with the upgrade handler, and a raw client that sends one upgrade request and collects what comes back. */
async function serve(rpcResult: { stdout?: string; stderr?: string; exitCode?: number }, hold: Promise<void> = Promise.resolve()) {
  const requests: RpcRequest[] = [];
  const rpc = {
    collect: async (_node: string, req: RpcRequest) => {
      requests.push(req);
      await hold;
      return { stdout: Buffer.from(rpcResult.stdout ?? ''), stderr: Buffer.from(rpcResult.stderr ?? ''), exitCode: rpcResult.exitCode ?? 0 };
    },
    open: () => {
      throw new Error('not used');
    },
  };
  const server = http.createServer((_req, res) => res.end('plain'));
  server.on('upgrade', execUpgradeHandler({ store: cluster(), rpc, adminToken: token }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  const port = (server.address() as AddressInfo).port;
  const send = (path: string, headers: Record<string, string>) =>
    new Promise<Buffer>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      s.on('data', (d) => {
        chunks.push(d);
        // A client ends its side once the server closes (normal closure), which lets the server end the connection.
        if (Buffer.concat(chunks).includes(normalClosure)) s.end();
      });
      s.on('close', () => resolve(Buffer.concat(chunks)));
      const lines = [`GET ${path} HTTP/1.1`, 'Host: kedge', 'Connection: Upgrade', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''];
      s.write(lines.join('\r\n'));
    });
  return { send, requests, port };
}

const normalClosure = Buffer.from([0x88, 0x02, 0x03, 0xe8]);

const upgrade = { Upgrade: 'websocket', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io', Authorization: `Bearer ${token}` };

/** Splits the bytes after the 101 response into (opcode, payload) frames. */
function frames(bytes: Buffer): { opcode: number; payload: Buffer }[] {
  let at = bytes.indexOf('\r\n\r\n') + 4;
  const out: { opcode: number; payload: Buffer }[] = [];
  while (at < bytes.length) {
    const opcode = bytes[at]! & 0x0f;
    let len = bytes[at + 1]! & 0x7f;
    let start = at + 2;
    if (len === 126) {
      len = bytes.readUInt16BE(at + 2);
      start = at + 4;
    }
    out.push({ opcode, payload: bytes.subarray(start, start + len) });
    at = start + len;
  }
  return out;
}

describe('kubectl exec over WebSocket', () => {
  it('switches protocols, runs the command on the pod\'s node and answers on channels 1, 2 and 3', async () => {
    const s = await serve({ stdout: 'out\n', stderr: 'err\n', exitCode: 3 });
    const bytes = await s.send('/api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&command=exit%203&stdout=true&stderr=true', upgrade);
    const head = bytes.subarray(0, bytes.indexOf('\r\n\r\n')).toString();
    expect(head).toContain('HTTP/1.1 101 Switching Protocols');
    expect(head).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo='); // RFC 6455's example key
    expect(head).toContain('Sec-WebSocket-Protocol: v5.channel.k8s.io');
    const f = frames(bytes);
    expect(f.map((x) => [x.opcode, x.payload[0]])).toEqual([[2, 1], [2, 2], [2, 3], [8, 3]]);
    expect(f[0]!.payload.subarray(1).toString()).toBe('out\n');
    expect(f[1]!.payload.subarray(1).toString()).toBe('err\n');
    expect(JSON.parse(f[2]!.payload.subarray(1).toString())).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });
    expect(s.requests[0]).toMatchObject({ op: 'exec', container: 'c', command: ['sh', '-c', 'exit 3'] });
  });

  it('answers pings and reads fragmented client messages while the command runs', async () => {
    let release!: () => void;
    const s = await serve({ stdout: 'done\n' }, new Promise<void>((r) => (release = r)));
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/api/v1/namespaces/default/pods/web/exec?command=ls`, ['v5.channel.k8s.io'], { headers: { authorization: `Bearer ${token}` } });
    const messages: Buffer[] = [];
    ws.on('message', (m: Buffer) => messages.push(m));
    await once(ws, 'open');
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    ws.send(Buffer.from([255, 0]), { fin: false });
    ws.send(Buffer.from([1]), { fin: true });
    ws.ping();
    await once(ws, 'pong');
    release();
    const [code] = await once(ws, 'close');
    expect(code).toBe(1000);
    expect(messages.map((m) => m[0])).toEqual([1, 3]);
    expect(messages[0]!.subarray(1).toString()).toBe('done\n');
  });

  it('bounds what a client sends: a message over 64 KiB closes the connection as too big (1009)', async () => {
    let release!: () => void;
    const s = await serve({ stdout: 'late' }, new Promise<void>((r) => (release = r)));
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/api/v1/namespaces/default/pods/web/exec?command=ls`, ['v4.channel.k8s.io'], { headers: { authorization: `Bearer ${token}` } });
    const messages: Buffer[] = [];
    ws.on('message', (m: Buffer) => messages.push(m));
    await once(ws, 'open');
    ws.send(Buffer.alloc(70_000));
    const [code] = await once(ws, 'close');
    expect(code).toBe(1009);
    release();
    expect(messages).toEqual([]);
  });

  it('answers refusals as an HTTP Status before any upgrade', async () => {
    const s = await serve({});
    const status = async (path: string, headers: Record<string, string>) => {
      const text = (await s.send(path, headers)).toString();
      return { line: text.split('\r\n')[0], body: JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { message: string } };
    };
    expect((await status('/api/v1/namespaces/default/pods/web/exec?command=ls', { ...upgrade, Authorization: 'Bearer nope' })).line).toBe('HTTP/1.1 401 Unauthorized');
    const tty = await status('/api/v1/namespaces/default/pods/web/exec?command=sh&stdin=true&tty=true', upgrade);
    expect(tty.body.message).toMatch(/non-interactively/);
    const spdy = await status('/api/v1/namespaces/default/pods/web/exec?command=ls', { ...upgrade, Upgrade: 'SPDY/3.1' });
    expect(spdy.body.message).toMatch(/WebSocket only/);
    expect((await status('/api/v1/namespaces/default/pods/ghost/exec?command=ls', upgrade)).line).toBe('HTTP/1.1 404 NotFound');
    expect(s.requests).toEqual([]);
  });
});

describe('exec upgrades', () => {
  it('exit statuses and upgrade checks are what kubectl reads', () => {
    expect(exitStatus(0, ['ls'])).toEqual({ metadata: {}, status: 'Success' });
    expect(() => parseExecUpgrade({ url: '/api/v1/namespaces/d/pods/p/exec', headers: { ...lower(upgrade) } }, token)).toThrow('command: give the command');
    expect(() => parseExecUpgrade({ url: '/api/v1/namespaces/d/pods/p/exec?command=ls', headers: { ...lower(upgrade), 'sec-websocket-protocol': 'v1.channel.k8s.io' } }, token)).toThrow(/kedge speaks v5.channel.k8s.io or v4.channel.k8s.io/);
  });
});

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}
