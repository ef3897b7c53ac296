import { appendFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KedgeError } from '../../shared/errors.js';
import type { RpcLogsRequest, RpcResponse } from '../../shared/rpc.js';
import type { ExecResult } from '../runtime/driver.js';
import { createRpcHandler } from './handler.js';
import { containerLogDir } from './log-files.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const pod = { namespace: 'default', name: 'web-1', uid: 'u-1' };
const target = { namespace: 'default', pod: 'web-1', uid: 'u-1', container: 'web' };

function setup(o: { running?: boolean | undefined; exec?: (id: string, args: string[]) => Promise<ExecResult>; online?: () => boolean } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'kedge-rpc-'));
  dirs.push(root);
  const dir = containerLogDir(root, target);
  mkdirSync(dir, { recursive: true });
  const sent = new Map<string, RpcResponse[]>();
  const state = { running: 'running' in o ? o.running : true };
  const execs: string[] = [];
  const h = createRpcHandler({
    nodeName: 'edge-1',
    logsRoot: root,
    send(id, msg) {
      if (o.online && !o.online()) return false;
      sent.set(id, [...(sent.get(id) ?? []), msg]);
      return true;
    },
    driver: {
      exec: async (id, args) => {
        execs.push(`${id} ${args.join(' ')}`);
        return o.exec ? o.exec(id, args) : { exitCode: 0, stdout: '', stderr: '' };
      },
    },
    containerId: (uid, c) => `${uid}-${c}`,
    containerRunning: () => state.running,
    pollMs: 10,
  });
  const request = (id: string, req: unknown) => h.onRequest(id, Buffer.from(JSON.stringify(req)));
  const logs = (id: string, extra: Partial<RpcLogsRequest> = {}) => request(id, { op: 'logs', pod, container: 'web', ...extra });
  const ended = async (id: string, timeoutMs = 3000) => {
    const deadline = Date.now() + timeoutMs;
    while (!sent.get(id)?.some((m) => m.type === 'end')) {
      if (Date.now() > deadline) throw new Error(`no end for ${id}: ${JSON.stringify(sent.get(id))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return sent.get(id)!;
  };
  const text = (msgs: RpcResponse[]) => msgs.map((m) => (m.type === 'data' ? Buffer.from(m.data, 'base64').toString() : '')).join('');
  return { h, dir, sent, state, execs, request, logs, ended, text };
}

describe('rpc handler: logs', () => {
  it('answers open, the file, end, with sequence numbers from 0', async () => {
    const s = setup();
    writeFileSync(join(s.dir, '0.log'), 'one\ntwo\n');
    s.logs('req-00000001');
    const msgs = await s.ended('req-00000001');
    expect(msgs.map((m) => m.type)).toEqual(['open', 'data', 'end']);
    expect(msgs.map((m) => m.seq)).toEqual([0, 1, 2]);
    expect(s.text(msgs)).toBe('one\ntwo\n');
  });

  it('reads the rotated copy first, tails across both, and honours limitBytes', async () => {
    const s = setup();
    writeFileSync(join(s.dir, '0.log.1'), 'a\nb\nc\n');
    writeFileSync(join(s.dir, '0.log'), 'd\ne\n');
    s.logs('req-00000001');
    expect(s.text(await s.ended('req-00000001'))).toBe('a\nb\nc\nd\ne\n');
    s.logs('req-00000002', { tailLines: 3 });
    expect(s.text(await s.ended('req-00000002'))).toBe('c\nd\ne\n');
    s.logs('req-00000003', { tailLines: 0 });
    expect(s.text(await s.ended('req-00000003'))).toBe('');
    s.logs('req-00000004', { limitBytes: 3 });
    expect(s.text(await s.ended('req-00000004'))).toBe('a\nb');
  });

  it('--previous reads the run before; --since skips a file last written before it', async () => {
    const s = setup();
    writeFileSync(join(s.dir, '0.log'), 'first run\n');
    writeFileSync(join(s.dir, '1.log'), 'second run\n');
    s.logs('req-00000001', { previous: true, restartCount: 1 });
    expect(s.text(await s.ended('req-00000001'))).toBe('first run\n');
    const old = new Date(Date.now() - 3600_000);
    utimesSync(join(s.dir, '1.log'), old, old);
    s.logs('req-00000002', { sinceMs: Date.now() - 60_000 });
    expect(s.text(await s.ended('req-00000002'))).toBe('');
  });

  it('follows lines written later and ends once the container stopped', async () => {
    const s = setup();
    const f = join(s.dir, '0.log');
    writeFileSync(f, 'before\n');
    s.logs('req-00000001', { follow: true });
    await new Promise((r) => setTimeout(r, 50));
    appendFileSync(f, 'after\n');
    await new Promise((r) => setTimeout(r, 50));
    expect(s.text(s.sent.get('req-00000001')!)).toBe('before\nafter\n');
    expect(s.h.active).toBe(1);
    appendFileSync(f, 'last words\n');
    s.state.running = false;
    const msgs = await s.ended('req-00000001');
    expect(s.text(msgs)).toBe('before\nafter\nlast words\n');
    expect(s.h.active).toBe(0);
  });

  it('a follow survives copy-truncate rotation', async () => {
    const s = setup();
    const f = join(s.dir, '0.log');
    writeFileSync(f, 'long line before rotation\n');
    s.logs('req-00000001', { follow: true });
    await new Promise((r) => setTimeout(r, 40));
    writeFileSync(f, 'new\n'); // truncated and written from 0 again
    await new Promise((r) => setTimeout(r, 40));
    s.state.running = false;
    expect(s.text(await s.ended('req-00000001'))).toBe('long line before rotation\nnew\n');
  });

  it('cancel stops a follow without an end; going offline stops it too', async () => {
    let online = true;
    const s = setup({ online: () => online });
    writeFileSync(join(s.dir, '0.log'), 'x\n');
    s.logs('req-00000001', { follow: true });
    await new Promise((r) => setTimeout(r, 30));
    s.request('req-00000001', { op: 'cancel' });
    expect(s.h.active).toBe(0);
    s.logs('req-00000002', { follow: true });
    await new Promise((r) => setTimeout(r, 30));
    online = false;
    appendFileSync(join(s.dir, '0.log'), 'y\n');
    await new Promise((r) => setTimeout(r, 60));
    expect(s.h.active).toBe(0);
    expect(s.sent.get('req-00000001')!.some((m) => m.type === 'end')).toBe(false);
  });

  it('a missing log is an error end naming the node', async () => {
    const s = setup();
    s.logs('req-00000001', { container: 'other' });
    const [end] = await s.ended('req-00000001');
    expect(end).toMatchObject({ type: 'end', seq: 0, error: { code: 'NotFound' } });
    expect((end as { error: { message: string } }).error.message).toContain('node edge-1');
  });
});

describe('rpc handler: exec and requests', () => {
  it('runs the command in the pod\'s container and answers output and exit code', async () => {
    const s = setup({ exec: async () => ({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' }) });
    s.request('req-00000001', { op: 'exec', pod, container: 'web', command: ['sh', '-c', 'exit 3'], timeoutMs: 5000 });
    const msgs = await s.ended('req-00000001');
    expect(s.execs).toEqual(['u-1-web sh -c exit 3']);
    expect(msgs.map((m) => (m.type === 'data' ? `${m.stream}:${Buffer.from(m.data, 'base64')}` : m.type))).toEqual(['open', 'stdout:out\n', 'stderr:err\n', 'end']);
    expect(msgs.at(-1)).toMatchObject({ exitCode: 3 });
  });

  it('refuses exec into a stopped or unknown container, and passes driver errors on', async () => {
    const stopped = setup({ running: false });
    stopped.request('req-00000001', { op: 'exec', pod, container: 'web', command: ['ls'], timeoutMs: 1000 });
    expect((await stopped.ended('req-00000001'))[0]).toMatchObject({ error: { code: 'Conflict' } });
    const unknown = setup({ running: undefined });
    unknown.request('req-00000001', { op: 'exec', pod, container: 'web', command: ['ls'], timeoutMs: 1000 });
    expect((await unknown.ended('req-00000001'))[0]).toMatchObject({ error: { code: 'NotFound' } });
    const failing = setup({ exec: async () => { throw new KedgeError('BadRequest', 'exec in x failed: executable file not found'); } });
    failing.request('req-00000001', { op: 'exec', pod, container: 'web', command: ['nope'], timeoutMs: 1000 });
    expect((await failing.ended('req-00000001')).at(-1)).toMatchObject({ error: { code: 'BadRequest', message: 'exec in x failed: executable file not found' } });
  });

  it('answers an invalid request with BadRequest and drops malformed ids', async () => {
    const s = setup();
    s.request('req-00000001', { op: 'exec', pod, container: 'web', command: [] });
    expect((await s.ended('req-00000001'))[0]).toMatchObject({ type: 'end', error: { code: 'BadRequest' } });
    s.request('+', { op: 'cancel' });
    s.h.onRequest('req-00000002', Buffer.from('{'));
    expect([...s.sent.keys()]).toEqual(['req-00000001']);
  });

  it('refuses requests beyond the limit with TooManyRequests', async () => {
    const s = setup();
    writeFileSync(join(s.dir, '0.log'), '');
    for (let i = 0; i < 16; i++) s.logs(`follow-${String(i).padStart(4, '0')}`, { follow: true });
    s.logs('req-00000099');
    expect((await s.ended('req-00000099'))[0]).toMatchObject({ error: { code: 'TooManyRequests' } });
    s.h.cancelAll();
    expect(s.h.active).toBe(0);
  });
});
