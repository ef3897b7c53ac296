/**
 * kubectl exec over WebSocket (the v4/v5.channel.k8s.io subprotocols kubectl 1.30+ speaks),
 * non-interactive: the command runs on its node through MQTT (like kedge exec), then stdout goes
 * out on channel 1, stderr on 2, and the exit status as a Status on channel 3. stdin and tty are
 * refused before the upgrade, as is SPDY (older kubectl): both get a Status saying what to use.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { KedgeError, isKedgeError, toStatus } from '../../shared/errors.js';
import { bearerToken, sameSecret } from './auth.js';
import { podTarget } from './pod-target.js';
import type { ApiDeps } from './types.js';

const wsGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const execPath = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;
const defaultTimeoutMs = 60 * 60_000;

export type ExecUpgradeDeps = Pick<ApiDeps, 'store' | 'rpc' | 'adminToken' | 'log'>;

/** What a WebSocket upgrade asks for, or the error to answer it with (no I/O). */
export function parseExecUpgrade(req: Pick<IncomingMessage, 'url' | 'headers'>, adminToken: string): { namespace: string; name: string; container?: string; command: string[]; protocol: string } {
  const url = new URL(req.url ?? '/', 'https://kedge');
  const token = bearerToken(req.headers.authorization);
  if (token === undefined || !sameSecret(token, adminToken)) throw new KedgeError('Unauthorized', 'Unauthorized: a valid bearer token is required');
  const m = execPath.exec(url.pathname);
  if (!m) throw new KedgeError('NotFound', `the server could not find the requested resource (kedge does not serve upgrades of ${url.pathname})`);
  const q = url.searchParams;
  const yes = (k: string) => q.get(k) === 'true' || q.get(k) === '1';
  // Before the protocol: kubectl retries over SPDY after a refusal, and this is the reason to show.
  if (yes('stdin') || yes('tty')) throw new KedgeError('BadRequest', 'kedge runs exec commands non-interactively: drop -i and -t (no input, no terminal)');
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    throw new KedgeError('BadRequest', 'kedge serves pods/exec over WebSocket only (kubectl 1.30 and newer), not SPDY; use "kedge exec POD -- COMMAND" with an older kubectl');
  }
  const command = q.getAll('command');
  if (command.length === 0) throw new KedgeError('BadRequest', 'command: give the command to run after --');
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const protocol = protocols.find((p) => offered.includes(p));
  if (!protocol) throw new KedgeError('BadRequest', `Sec-WebSocket-Protocol: kedge speaks ${protocols.join(' or ')}; the client offered ${offered.join(', ') || 'none'}`);
  return { namespace: decodeURIComponent(m[1]!), name: decodeURIComponent(m[2]!), ...(q.get('container') ? { container: q.get('container')! } : {}), command, protocol };
}

/** One unmasked server frame. */
export function wsFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 65536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff]) : Buffer.alloc(10);
  if (len >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, payload]);
}

/** Channel messages: the first byte names the stream (1 stdout, 2 stderr, 3 error/status). */
const channel = (id: number, data: Buffer) => wsFrame(0x2, Buffer.concat([Buffer.from([id]), data]));

/** The exit status kubectl reads from channel 3 (NonZeroExitCode carries the code as an ExitCode cause). */
export function exitStatus(exitCode: number, command: string[]): unknown {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** Reads client frames just enough to answer pings and notice a close. */
function watchClientFrames(socket: Duplex, onClose: () => void): void {
  let buf = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length < 2) return;
      const opcode = buf[0]! & 0x0f;
      const masked = (buf[1]! & 0x80) !== 0;
      let len = buf[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        at = 10;
      }
      const maskAt = at;
      if (masked) at += 4;
      if (buf.length < at + len) return;
      const payload = Buffer.from(buf.subarray(at, at + len));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ buf[maskAt + (i % 4)]!;
      buf = buf.subarray(at + len);
      if (opcode === 0x9) socket.write(wsFrame(0xa, payload));
      else if (opcode === 0x8) return onClose();
      // stdin (channel 0) and resize (4) are not offered; anything else is ignored.
    }
  });
}

function refuse(socket: Duplex, err: KedgeError): void {
  const body = JSON.stringify(toStatus(err));
  socket.end(`HTTP/1.1 ${err.status} ${err.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** The HTTPS server's 'upgrade' listener. */
export function execUpgradeHandler(deps: ExecUpgradeDeps) {
  const log = deps.log ?? (() => {});
  return (req: IncomingMessage, socket: Duplex): void => {
    socket.on('error', () => socket.destroy());
    let target: ReturnType<typeof parseExecUpgrade>;
    let node: string;
    let uid: string;
    let container: string;
    try {
      target = parseExecUpgrade(req, deps.adminToken);
      const t = podTarget(deps.store, target.namespace, target.name, target.container);
      if (!deps.rpc) throw new KedgeError('ServiceUnavailable', 'this server cannot reach nodes (no MQTT broker)');
      ({ node, container } = t);
      uid = t.pod.metadata.uid ?? '';
    } catch (e) {
      return refuse(socket, isKedgeError(e) ? e : new KedgeError('InternalError', (e as Error).message));
    }
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key'] ?? ''}${wsGuid}`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${target.protocol}\r\n\r\n`);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      socket.end(wsFrame(0x8, Buffer.from([0x03, 0xe8]))); // 1000: normal closure
    };
    watchClientFrames(socket, close);
    socket.on('close', () => (closed = true));
    void deps.rpc!
      .collect(node, { op: 'exec', pod: { namespace: target.namespace, name: target.name, uid }, container, command: target.command, timeoutMs: defaultTimeoutMs }, { idleTimeoutMs: defaultTimeoutMs + 10_000 })
      .then(
        (r) => {
          if (closed) return;
          if (r.stdout.length) socket.write(channel(1, r.stdout));
          if (r.stderr.length) socket.write(channel(2, r.stderr));
          socket.write(channel(3, Buffer.from(JSON.stringify(exitStatus(r.exitCode ?? 0, target.command)))));
          close();
        },
        (e: unknown) => {
          const err = isKedgeError(e) ? e : new KedgeError('InternalError', (e as Error).message);
          if (!isKedgeError(e)) log(`exec in pod ${target.namespace}/${target.name}: ${(e as Error).message}`);
          if (!closed) socket.write(channel(3, Buffer.from(JSON.stringify(toStatus(err)))));
          close();
        },
      );
  };
}
