/** A tiny DNS server on 127.0.0.1 (UDP and TCP on one port) standing in for the node's resolver in tests. */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { decode, encode, type DecodedPacket, type Packet } from 'dns-packet';

export type Transport = 'udp' | 'tcp';

/** null: stay silent. Several packets: sent in order (a spoofed one first, say). */
export type UpstreamHandler = (q: DecodedPacket, transport: Transport) => Packet | Packet[] | null | Promise<Packet | Packet[] | null>;

export interface FakeUpstream {
  port: number;
  received: { name: string; type: string; transport: Transport }[];
  close(): Promise<void>;
}

/** A response to `q` with the given answers (and more: rcode through flags, authorities, …). */
export function respondTo(q: DecodedPacket, extra: Partial<Packet> = {}): Packet {
  return { id: q.id, type: 'response', flags: (1 << 8) | (1 << 7), questions: q.questions, ...extra };
}

function bindUdp(port: number): Promise<Socket> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });
}

function listenTcp(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

export async function startFakeUpstream(handler: UpstreamHandler): Promise<FakeUpstream> {
  const received: FakeUpstream['received'] = [];
  const answer = async (bytes: Buffer, transport: Transport): Promise<Buffer[]> => {
    const q = decode(bytes);
    received.push({ name: q.questions![0]!.name, type: q.questions![0]!.type, transport });
    const r = await handler(q, transport);
    return r === null ? [] : (Array.isArray(r) ? r : [r]).map((p) => encode(p));
  };
  const udp = await bindUdp(0);
  udp.on('message', (msg, from) => {
    void answer(msg, 'udp').then((out) => out.forEach((b) => udp.send(b, from.port, from.address)));
  });
  const port = udp.address().port;
  const sockets = new Set<TcpSocket>();
  const tcp = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 2 || buffered.length < 2 + buffered.readUInt16BE(0)) return;
      void answer(buffered.subarray(2, 2 + buffered.readUInt16BE(0)), 'tcp').then((out) => {
        for (const b of out) {
          const framed = Buffer.alloc(2 + b.length);
          framed.writeUInt16BE(b.length, 0);
          b.copy(framed, 2);
          socket.write(framed);
        }
      });
    });
  });
  await listenTcp(tcp, port);
  return {
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        udp.close();
        for (const s of sockets) s.destroy();
        tcp.close(() => resolve());
      }),
  };
}
