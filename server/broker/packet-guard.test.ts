import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPacketScanner } from './packet-guard.js';

/** An MQTT packet: type byte, remaining length as a varint, body. */
function packet(typeByte: number, body: Buffer): Buffer {
  const len: number[] = [];
  let n = body.length;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    len.push(b);
  } while (n > 0);
  return Buffer.concat([Buffer.from([typeByte, ...len]), body]);
}

const topic = Buffer.from('kedge/v1/nodes/a/status');
const publish = (payloadBytes: number) => packet(0x30, Buffer.concat([Buffer.from([0, topic.length]), topic, Buffer.alloc(payloadBytes, 'x')]));

describe('MQTT packet scanner', () => {
  it('passes a stream of packets under the limit, however it is cut into chunks', () => {
    const stream = Buffer.concat([
      packet(0x10, Buffer.from('\x00\x04MQTT\x04\xc2\x00\x1e\x00\x01a\x00\x01a\x00\x01p', 'latin1')),
      publish(10),
      publish(200),
      publish(20_000),
      packet(0xc0, Buffer.alloc(0)),
    ]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 20 }), (cuts) => {
        const feed = createPacketScanner(30_000);
        const points = [0, ...[...new Set(cuts)].sort((a, b) => a - b), stream.length];
        for (let i = 1; i < points.length; i++) expect(feed(stream.subarray(points[i - 1], points[i]))).toBeNull();
      }),
    );
  });

  it('reports a packet announcing more than the limit from its header alone', () => {
    const feed = createPacketScanner(1000);
    expect(feed(publish(10))).toBeNull();
    // 0x30 = PUBLISH; remaining length 10,000,000 as a 4-byte varint, no body sent yet
    const header = Buffer.from([0x30, 0x80 | (10_000_000 & 0x7f), 0x80 | ((10_000_000 >> 7) & 0x7f), 0x80 | ((10_000_000 >> 14) & 0x7f), 10_000_000 >> 21]);
    expect(feed(header)).toEqual({ tooLarge: 10_000_000 });
  });

  it('reports a header split byte by byte', () => {
    const feed = createPacketScanner(1000);
    const big = publish(5000);
    let problem = null;
    for (let i = 0; i < 5 && !problem; i++) problem = feed(big.subarray(i, i + 1));
    expect(problem).toEqual({ tooLarge: big.length - 3 }); // 1 type byte + 2 length bytes
  });

  it('reports a remaining length longer than MQTT allows', () => {
    expect(createPacketScanner(1000)(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]))).toEqual({ malformed: 'remaining length longer than 4 bytes' });
  });
});
