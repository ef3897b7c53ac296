/**
 * DNS over TCP (RFC 7766): two-byte length, then the message; several per connection, answered
 * as they are ready. Bounded in connections, idle time, message size and work per connection.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface TcpLimits {
  maxConnections: number;
  idleMs: number;
  /** A query longer than this closes the connection: queries are small, only answers are large. */
  maxQueryBytes: number;
  /** Queries of one connection waiting for upstreams; reading pauses beyond. */
  maxPendingPerConnection: number;
  /** Answers a client does not read pile up to this, then the connection is closed. */
  maxUnsentBytes: number;
}

export const defaultTcpLimits: TcpLimits = { maxConnections: 64, idleMs: 10_000, maxQueryBytes: 4096, maxPendingPerConnection: 16, maxUnsentBytes: 256 * 1024 };

/** null: no answer (a malformed message is dropped). */
export type Respond = (query: Buffer) => Buffer | null | Promise<Buffer | null>;

export interface TcpListener {
  readonly server: Server;
  close(): Promise<void>;
}

/** The 12-byte header is the least a DNS message holds. */
const headerBytes = 12;

function serve(socket: Socket, limits: TcpLimits, respond: Respond): void {
  socket.setTimeout(limits.idleMs, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  let buffered: Buffer = Buffer.alloc(0);
  let pending = 0;
  const send = (answer: Buffer | null) => {
    if (!answer || socket.destroyed) return;
    const framed = Buffer.allocUnsafe(2 + answer.length);
    framed.writeUInt16BE(answer.length, 0);
    answer.copy(framed, 2);
    socket.write(framed);
    if (socket.writableLength > limits.maxUnsentBytes) socket.destroy();
  };
  const dispatch = (query: Buffer) => {
    const r = respond(query);
    if (!(r instanceof Promise)) return send(r);
    if (++pending >= limits.maxPendingPerConnection) socket.pause();
    void r.then(send, () => undefined).finally(() => {
      if (--pending < limits.maxPendingPerConnection && !socket.destroyed) socket.resume();
    });
  };
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    while (buffered.length >= 2) {
      const length = buffered.readUInt16BE(0);
      if (length < headerBytes || length > limits.maxQueryBytes) {
        socket.destroy();
        return;
      }
      if (buffered.length < 2 + length) return;
      const query = buffered.subarray(2, 2 + length);
      buffered = buffered.subarray(2 + length);
      dispatch(query);
    }
  });
}

export function listenTcp(address: string, port: number, limits: TcpLimits, respond: Respond, log: (msg: string) => void): Promise<TcpListener> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, limits, respond);
  });
  // Connections beyond the bound are closed by node as they arrive.
  server.maxConnections = limits.maxConnections;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port, exclusive: true }, () => {
      server.off('error', reject);
      server.on('error', (e) => log(`cluster DNS: TCP listener: ${e.message}`));
      resolve({
        server,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
