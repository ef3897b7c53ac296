/**
 * kubectl exec over WebSocket (the v4/v5.channel.k8s.io subprotocols kubectl 1.30+ speaks),
 * non-interactive: the command runs on its node through MQTT (like kedge exec), then stdout goes
 * out on channel 1, stderr on 2, and the exit status as a Status on channel 3. stdin and tty are
 * refused before the upgrade, as is SPDY (older kubectl): both get a Status saying what to use.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { KedgeError, isKedgeError, toStatus } from '../../shared/errors.js';
import { bearerToken, sameSecret } from './auth.js';
import { podTarget } from './pod-target.js';
import type { ApiDeps } from './types.js';

const protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const execPath = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;
const defaultTimeoutMs = 60 * 60_000;
/** A client sends at most a close or a stdin-close signal (no stdin, no resize is offered): anything bigger is refused. */
const maxClientMessageBytes = 64 * 1024;

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

/** A channel message: the first byte names the stream (1 stdout, 2 stderr, 3 error/status). */
const channel = (id: number, data: Buffer) => Buffer.concat([Buffer.from([id]), data]);

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

function refuse(socket: Duplex, err: KedgeError): void {
  const body = JSON.stringify(toStatus(err));
  socket.end(`HTTP/1.1 ${err.status} ${err.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** The HTTPS server's 'upgrade' listener. */
export function execUpgradeHandler(deps: ExecUpgradeDeps) {
  const log = deps.log ?? (() => {});
  // The WebSocket protocol (framing, fragments, pings, closing) is the ws library's; only the exec is ours.
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: maxClientMessageBytes,
    handleProtocols: (offered) => protocols.find((p) => offered.has(p)) ?? false,
  });
  return (req: IncomingMessage, socket: Duplex, head: Buffer = Buffer.alloc(0)): void => {
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
    wss.handleUpgrade(req, socket, head, (ws) => run(ws));

    function run(ws: WebSocket): void {
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        ws.close(1000);
      };
      // stdin (channel 0) and resize (4) are not offered: what a client sends is read and dropped.
      ws.on('close', () => (closed = true));
      ws.on('error', () => ws.terminate());
      const send = (id: number, data: Buffer) => ws.send(channel(id, data), { binary: true });
      void deps.rpc!
        .collect(node, { op: 'exec', pod: { namespace: target.namespace, name: target.name, uid }, container, command: target.command, timeoutMs: defaultTimeoutMs }, { idleTimeoutMs: defaultTimeoutMs + 10_000 })
        .then(
          (r) => {
            if (closed) return;
            if (r.stdout.length) send(1, r.stdout);
            if (r.stderr.length) send(2, r.stderr);
            send(3, Buffer.from(JSON.stringify(exitStatus(r.exitCode ?? 0, target.command))));
            close();
          },
          (e: unknown) => {
            const err = isKedgeError(e) ? e : new KedgeError('InternalError', (e as Error).message);
            if (!isKedgeError(e)) log(`exec in pod ${target.namespace}/${target.name}: ${(e as Error).message}`);
            if (!closed) send(3, Buffer.from(JSON.stringify(toStatus(err))));
            close();
          },
        );
    }
  };
}
