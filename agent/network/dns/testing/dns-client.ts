/** A stub resolver for tests: one query over UDP or TCP to a port on 127.0.0.1, the answer decoded. */
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { decode, encode, type DecodedPacket, type Packet } from 'dns-packet';

export type Transport = 'udp' | 'tcp';

let nextId = 1;

export function queryPacket(name: string, type: string, extra: Partial<Packet> = {}): Packet {
  nextId = (nextId % 0xffff) + 1;
  return { id: nextId, type: 'query', flags: 1 << 8, questions: [{ name, type: type as never, class: 'IN' }], ...extra };
}

/** Sends raw bytes over UDP and resolves with the first datagram back, or null after `timeoutMs`. */
export function udpRaw(port: number, bytes: Buffer, timeoutMs = 1000): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(null);
    }, timeoutMs);
    socket.on('error', (e) => {
      clearTimeout(timer);
      socket.close();
      reject(e);
    });
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg);
    });
    socket.send(bytes, port, '127.0.0.1');
  });
}

export function frame(message: Buffer): Buffer {
  const out = Buffer.alloc(2 + message.length);
  out.writeUInt16BE(message.length, 0);
  message.copy(out, 2);
  return out;
}

/** A TCP connection that collects whole framed messages and notes when it is closed. */
export interface TcpProbe {
  socket: Socket;
  messages: Buffer[];
  closed: Promise<void>;
  /** Resolves with the n-th message (0-based) once it has arrived, or rejects after `timeoutMs`. */
  message(n: number, timeoutMs?: number): Promise<Buffer>;
}

export function tcpProbe(port: number): Promise<TcpProbe> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const messages: Buffer[] = [];
    const waiters: (() => void)[] = [];
    let buffered = Buffer.alloc(0);
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        messages.push(buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
        buffered = buffered.subarray(2 + buffered.readUInt16BE(0));
      }
      for (const w of waiters.splice(0)) w();
    });
    const message = (n: number, timeoutMs = 2000) =>
      new Promise<Buffer>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no TCP message #${n} within ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          if (messages.length > n) {
            clearTimeout(timer);
            done(messages[n]!);
          } else waiters.push(check);
        };
        check();
      });
    socket.on('connect', () => resolve({ socket, messages, closed, message }));
  });
}

export async function query(port: number, transport: Transport, packet: Packet): Promise<DecodedPacket> {
  const bytes = encode(packet);
  if (transport === 'udp') {
    const answer = await udpRaw(port, bytes, 3000);
    if (!answer) throw new Error(`no UDP answer to ${packet.questions?.[0]?.name}`);
    return decode(answer);
  }
  const probe = await tcpProbe(port);
  try {
    probe.socket.write(frame(bytes));
    return decode(await probe.message(0, 3000));
  } finally {
    probe.socket.destroy();
  }
}

export function ask(port: number, transport: Transport, name: string, type: string, extra: Partial<Packet> = {}): Promise<DecodedPacket> {
  return query(port, transport, queryPacket(name, type, extra));
}
