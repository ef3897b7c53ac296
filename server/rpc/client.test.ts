import { afterEach, describe, expect, it, vi } from 'vitest';
import { isKedgeError } from '../../shared/errors.js';
import type { RpcResponse } from '../../shared/rpc.js';
import { createRpcClient } from './client.js';

const execReq = { op: 'exec' as const, pod: { namespace: 'default', name: 'p', uid: 'u1' }, container: 'c', command: ['true'], timeoutMs: 1000 };

function setup(o: { openTimeoutMs?: number } = {}) {
  const sent: { topic: string; payload: unknown }[] = [];
  const logs: string[] = [];
  let n = 0;
  const rpc = createRpcClient({
    publish: async (topic, payload) => void sent.push({ topic, payload: JSON.parse(payload) }),
    newId: () => `id-${String(++n).padStart(6, '0')}`,
    log: (m) => logs.push(m),
    ...o,
  });
  const answer = (node: string, id: string, msg: RpcResponse | string) =>
    rpc.onMessage(node, `res/${id}`, Buffer.from(typeof msg === 'string' ? msg : JSON.stringify(msg)));
  const data = (seq: number, text: string, stream: 'stdout' | 'stderr' = 'stdout'): RpcResponse => ({ type: 'data', seq, stream, data: Buffer.from(text).toString('base64') });
  return { rpc, sent, logs, answer, data };
}

afterEach(() => vi.useRealTimers());

describe('rpc client', () => {
  it('publishes the request on the node\'s req topic and collects data and the exit code', async () => {
    const s = setup();
    const p = s.rpc.collect('edge-1', execReq);
    await Promise.resolve();
    expect(s.sent).toEqual([{ topic: 'kedge/v1/nodes/edge-1/rpc/req/id-000001', payload: execReq }]);
    s.answer('edge-1', 'id-000001', { type: 'open', seq: 0 });
    s.answer('edge-1', 'id-000001', s.data(1, 'hello '));
    s.answer('edge-1', 'id-000001', s.data(2, 'oops', 'stderr'));
    s.answer('edge-1', 'id-000001', s.data(3, 'world'));
    s.answer('edge-1', 'id-000001', { type: 'end', seq: 4, exitCode: 3 });
    const r = await p;
    expect(r.stdout.toString()).toBe('hello world');
    expect(r.stderr.toString()).toBe('oops');
    expect(r.exitCode).toBe(3);
    expect(s.rpc.inFlight).toBe(0);
  });

  it('puts out-of-order answers back in sequence and drops duplicates', async () => {
    const s = setup();
    const call = s.rpc.open('n', execReq);
    s.answer('n', call.id, s.data(2, 'c'));
    s.answer('n', call.id, s.data(1, 'b'));
    s.answer('n', call.id, { type: 'end', seq: 3 });
    s.answer('n', call.id, { type: 'open', seq: 0 });
    s.answer('n', call.id, s.data(1, 'b')); // redelivered after use
    const got: string[] = [];
    for await (const c of call.chunks) got.push(c.data.toString());
    expect(got).toEqual(['b', 'c']);
  });

  it('fails with the node\'s error, keeping its code', async () => {
    const s = setup();
    const call = s.rpc.open('n', execReq);
    s.answer('n', call.id, { type: 'end', seq: 0, error: { code: 'NotFound', message: 'no log file for container c' } });
    await expect(call.opened).rejects.toSatisfy((e) => isKedgeError(e, 'NotFound') && /no log file/.test((e as Error).message));
    await expect(call.ended).rejects.toThrow(/no log file/);
  });

  it('times out when the node does not answer, naming the node', async () => {
    vi.useFakeTimers();
    const s = setup({ openTimeoutMs: 5000 });
    const call = s.rpc.open('edge-3', execReq);
    vi.advanceTimersByTime(5001);
    await expect(call.opened).rejects.toSatisfy((e) => isKedgeError(e, 'Timeout') && (e as Error).message === 'node edge-3 did not answer within 5s');
    expect(s.rpc.inFlight).toBe(0);
  });

  it('times out a stream that goes quiet, unless idle timeouts are off (follow)', async () => {
    vi.useFakeTimers();
    const s = setup();
    const quiet = s.rpc.open('n', execReq, { idleTimeoutMs: 1000 });
    const follow = s.rpc.open('n', execReq, { idleTimeoutMs: 0 });
    s.answer('n', quiet.id, { type: 'open', seq: 0 });
    s.answer('n', follow.id, { type: 'open', seq: 0 });
    vi.advanceTimersByTime(60_000);
    await expect(quiet.ended).rejects.toThrow(/stopped answering/);
    expect(s.rpc.inFlight).toBe(1);
    follow.cancel();
  });

  it('fails the calls of a node that disconnects, and only those', async () => {
    const s = setup();
    const a = s.rpc.open('a', execReq);
    const b = s.rpc.open('b', execReq);
    s.rpc.onNodeConnection('a', false);
    await expect(a.ended).rejects.toSatisfy((e) => isKedgeError(e, 'ServiceUnavailable') && /node a disconnected/.test((e as Error).message));
    expect(s.rpc.inFlight).toBe(1);
    b.cancel();
  });

  it('cancel sends a cancel for the same id and ends the iteration', async () => {
    const s = setup();
    const call = s.rpc.open('n', { ...execReq });
    s.answer('n', call.id, { type: 'open', seq: 0 });
    s.answer('n', call.id, s.data(1, 'x'));
    const it = call.chunks[Symbol.asyncIterator]();
    expect((await it.next()).value?.data.toString()).toBe('x');
    const pending = it.next();
    call.cancel();
    expect((await pending).done).toBe(true);
    await Promise.resolve();
    expect(s.sent.at(-1)).toEqual({ topic: `kedge/v1/nodes/n/rpc/req/${call.id}`, payload: { op: 'cancel' } });
    expect(await call.ended).toEqual({});
  });

  it('drops invalid answers and answers on other topics, logging the node', async () => {
    const s = setup();
    const call = s.rpc.open('n', execReq);
    s.answer('n', call.id, 'not json');
    s.answer('n', call.id, JSON.stringify({ type: 'data', seq: 0, stream: 'video', data: '' }));
    s.rpc.onMessage('n', `req/${call.id}`, Buffer.from('{}'));
    expect(s.logs).toHaveLength(3);
    expect(s.logs.every((l) => l.includes('node n'))).toBe(true);
    s.answer('n', call.id, { type: 'end', seq: 0, exitCode: 0 });
    expect(await call.ended).toEqual({ exitCode: 0 });
  });

  it('refuses output beyond the cap and cancels the call', async () => {
    const s = setup();
    const p = s.rpc.collect('n', execReq, { maxBytes: 4 });
    s.answer('n', 'id-000001', { type: 'open', seq: 0 });
    s.answer('n', 'id-000001', s.data(1, 'hello'));
    await expect(p).rejects.toSatisfy((e) => isKedgeError(e, 'RequestEntityTooLarge'));
  });
});
