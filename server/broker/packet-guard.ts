import type { Socket } from 'node:net';

/** What the scanner found wrong with the stream, or null while it looks fine. */
export type PacketProblem = { tooLarge: number } | { malformed: string } | null;

/**
 * Follows MQTT fixed headers (type byte + 1–4 byte remaining length) through a byte stream without
 * buffering anything, and reports the first packet that claims more than `maxBytes`.
 */
export function createPacketScanner(maxBytes: number) {
  let skip = 0; // body bytes of the current packet still to pass
  let inHeader = false; // after the type byte, reading the length
  let length = 0;
  let shift = 0;
  let lengthBytes = 0;

  return function feed(chunk: Uint8Array): PacketProblem {
    let i = 0;
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i);
        skip -= n;
        i += n;
        continue;
      }
      const byte = chunk[i++]!;
      if (!inHeader) {
        inHeader = true;
        length = 0;
        shift = 0;
        lengthBytes = 0;
        continue;
      }
      length += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      lengthBytes++;
      if (byte & 0x80) {
        if (lengthBytes === 4) return { malformed: 'remaining length longer than 4 bytes' };
        continue;
      }
      inHeader = false;
      if (length > maxBytes) return { tooLarge: length };
      skip = length;
    }
    return null;
  };
}

/**
 * Closes a connection as soon as a packet header announces more than `maxBytes`, before the MQTT
 * parser buffers it: aedes' parser would otherwise hold a whole 256 MB packet in memory before any
 * size check could run. A 'data' listener beside aedes' 'readable' one sees every chunk aedes reads
 * without changing how the stream flows.
 */
export function guardPacketSize(socket: Socket, maxBytes: number, onProblem: (problem: NonNullable<PacketProblem>) => void): void {
  const feed = createPacketScanner(maxBytes);
  const onData = (chunk: Buffer) => {
    const problem = feed(chunk);
    if (!problem) return;
    socket.off('data', onData);
    onProblem(problem);
    socket.destroy();
  };
  socket.on('data', onData);
}
