import { afterEach, describe, expect, it } from 'vitest';
import { defaultTcpLimits, listenTcp, type Respond, type TcpLimits, type TcpListener } from './tcp-listener.js';
import { frame, tcpProbe } from './testing/dns-client.js';

const open: TcpListener[] = [];
afterEach(async () => {
  for (const l of open.splice(0)) await l.close();
});

/** Answers each message with itself reversed (or null for one starting with 0xff), after `delayMs` if given. */
function mirror(delayMs?: number): Respond {
  return (q) => {
    if (q[0] === 0xff) return null;
    const out = Buffer.from(q).reverse();
    return delayMs === undefined ? out : new Promise((r) => setTimeout(() => r(out), delayMs));
  };
}

async function listen(respond: Respond, limits: Partial<TcpLimits> = {}): Promise<number> {
  const l = await listenTcp('127.0.0.1', 0, { ...defaultTcpLimits, ...limits }, respond, () => {});
  open.push(l);
  return (l.server.address() as { port: number }).port;
}

const message = (fill: number, length = 12) => Buffer.alloc(length, fill);

describe('DNS over TCP', () => {
  it('answers several messages in one segment, and one message split byte by byte', async () => {
    const port = await listen(mirror());
    const p = await tcpProbe(port);
    p.socket.write(Buffer.concat([frame(Buffer.from('abcdefghijkl')), frame(message(0xff)), frame(Buffer.from('mnopqrstuvwxyz'))]));
    expect((await p.message(0)).toString()).toBe('lkjihgfedcba');
    expect((await p.message(1)).toString()).toBe('zyxwvutsrqponm');
    for (const byte of frame(Buffer.from('0123456789ab'))) {
      p.socket.write(Buffer.from([byte]));
      await new Promise((r) => setTimeout(r, 2));
    }
    expect((await p.message(2)).toString()).toBe('ba9876543210');
    expect(p.messages).toHaveLength(3);
    p.socket.destroy();
  });

  it('refuses a length above the bound, or below a header, by closing the connection', async () => {
    const port = await listen(mirror(), { maxQueryBytes: 512 });
    const big = await tcpProbe(port);
    big.socket.write(Buffer.from([0xff, 0xff, 1, 2, 3]));
    await big.closed;
    expect(big.messages).toEqual([]);
    const justOver = await tcpProbe(port);
    justOver.socket.write(frame(message(1, 513)));
    await justOver.closed;
    expect(justOver.messages).toEqual([]);
    const tiny = await tcpProbe(port);
    tiny.socket.write(Buffer.from([0, 3, 1, 2, 3]));
    await tiny.closed;
    // The listener still serves others.
    const ok = await tcpProbe(port);
    ok.socket.write(frame(message(7, 512)));
    expect((await ok.message(0)).length).toBe(512);
    ok.socket.destroy();
  });

  it('closes idle connections', async () => {
    const port = await listen(mirror(), { idleMs: 100 });
    const p = await tcpProbe(port);
    const t0 = performance.now();
    await p.closed;
    expect(performance.now() - t0).toBeGreaterThanOrEqual(90);
  });

  it('bounds the number of connections', async () => {
    const port = await listen(mirror(), { maxConnections: 2 });
    const [a, b] = [await tcpProbe(port), await tcpProbe(port)];
    const c = await tcpProbe(port);
    await c.closed;
    a.socket.write(frame(message(1)));
    b.socket.write(frame(message(2)));
    expect((await a.message(0))[0]).toBe(1);
    expect((await b.message(0))[0]).toBe(2);
    a.socket.destroy();
    b.socket.destroy();
  });

  it('answers every query of a connection that sends more than may wait at once', async () => {
    const port = await listen(mirror(20), { maxPendingPerConnection: 2 });
    const p = await tcpProbe(port);
    p.socket.write(Buffer.concat([1, 2, 3, 4, 5].map((n) => frame(message(n)))));
    await p.message(4);
    expect(p.messages.map((m) => m[0]).sort()).toEqual([1, 2, 3, 4, 5]);
    p.socket.destroy();
  });
});
