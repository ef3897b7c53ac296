import { describe, expect, it } from 'vitest';
import { encode } from 'dns-packet';
import { createReplyMemo, memoKey } from './reply-memo.js';

const query = (id: number, name: string, extra = {}) => encode({ id, type: 'query', flags: 1 << 8, questions: [{ name, type: 'A', class: 'IN' }], ...extra });

describe('the memo of encoded cluster answers', () => {
  it('hands out a copy with the id of the query asking', () => {
    const memo = createReplyMemo();
    memo.set('k', Buffer.from([0, 1, 0x81, 0x80, 9, 9]));
    const a = memo.get('k', 0xabcd)!;
    const b = memo.get('k', 7)!;
    expect([...a]).toEqual([0xab, 0xcd, 0x81, 0x80, 9, 9]);
    expect([...b]).toEqual([0, 7, 0x81, 0x80, 9, 9]);
  });

  it('keys on the query without its id, and on the transport', () => {
    const base = memoKey('udp', query(1, 'web.default.svc.cluster.local'));
    expect(memoKey('udp', query(2, 'web.default.svc.cluster.local'))).toBe(base);
    expect(memoKey('tcp', query(1, 'web.default.svc.cluster.local'))).not.toBe(base);
    expect(memoKey('udp', query(1, 'WEB.default.svc.cluster.local'))).not.toBe(base);
    expect(memoKey('udp', query(1, 'web.default.svc.cluster.local', { flags: 0 }))).not.toBe(base);
    expect(memoKey('udp', query(1, 'web.default.svc.cluster.local', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 512 }] }))).not.toBe(base);
  });

  it('is bounded and keeps no large answers', () => {
    const memo = createReplyMemo(3, 100);
    memo.set('big', Buffer.alloc(101));
    expect(memo.size).toBe(0);
    for (const k of ['a', 'b', 'c']) memo.set(k, Buffer.alloc(20));
    expect(memo.size).toBe(3);
    memo.set('d', Buffer.alloc(20));
    expect(memo.size).toBe(1);
    expect(memo.get('d', 1)).toBeDefined();
    memo.clear();
    expect(memo.get('d', 1)).toBeUndefined();
  });
});
