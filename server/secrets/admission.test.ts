import { describe, expect, it } from 'vitest';
import { testApi } from '../api/testing/fixtures.js';
import { isBase64, mergeStringData } from './admission.js';

const secrets = '/api/v1/namespaces/default/secrets';
const configmaps = '/api/v1/namespaces/default/configmaps';

describe('Secret admission', () => {
  it('merges stringData into data as base64; stringData wins per key and is not stored', async () => {
    const { call } = testApi();
    const res = await call('POST', secrets, { metadata: { name: 's' }, data: { a: 'eA==', b: 'eQ==' }, stringData: { b: 'plain b', c: 'ç' } });
    expect(res.status).toBe(201);
    const s = await res.json();
    expect(s.data).toEqual({ a: 'eA==', b: Buffer.from('plain b').toString('base64'), c: Buffer.from('ç').toString('base64') });
    expect(s.stringData).toBeUndefined();
    expect(s.type).toBe('Opaque');
    const patched = await call('PATCH', `${secrets}/s`, { stringData: { a: 'new' } }, { 'content-type': 'application/merge-patch+json' });
    expect((await patched.json()).data.a).toBe(Buffer.from('new').toString('base64'));
  });

  it('refuses data that is not canonical base64, naming the key', async () => {
    const { call } = testApi();
    const res = await call('POST', secrets, { metadata: { name: 's' }, data: { token: 'abc' } });
    expect(res.status).toBe(422);
    expect((await res.json()).message).toBe('Secret "s" is invalid: data[token]: must be base64-encoded (use stringData for plain text)');
  });

  it('keeps an immutable Secret and ConfigMap as they are', async () => {
    const { call } = testApi();
    await call('POST', secrets, { metadata: { name: 's' }, stringData: { a: '1' }, immutable: true });
    const res = await call('PATCH', `${secrets}/s`, { stringData: { a: '2' } }, { 'content-type': 'application/merge-patch+json' });
    expect(res.status).toBe(422);
    expect((await res.json()).message).toContain('field is immutable');
    await call('POST', configmaps, { metadata: { name: 'c' }, data: { a: '1' }, immutable: true });
    const cm = await call('PATCH', `${configmaps}/c`, { data: { a: '2' } }, { 'content-type': 'application/merge-patch+json' });
    expect(cm.status).toBe(422);
    const labels = await call('PATCH', `${configmaps}/c`, { metadata: { labels: { x: 'y' } } }, { 'content-type': 'application/merge-patch+json' });
    expect(labels.status).toBe(200);
  });

  it('refuses a ConfigMap key in both data and binaryData', async () => {
    const { call } = testApi();
    const res = await call('POST', configmaps, { metadata: { name: 'c' }, data: { a: '1' }, binaryData: { a: 'AA==' } });
    expect(res.status).toBe(422);
    expect((await res.json()).message).toContain('binaryData[a]: duplicate of key in data');
  });

  it('isBase64 and mergeStringData edge cases', () => {
    expect(isBase64('')).toBe(true);
    expect(isBase64('YQ==')).toBe(true);
    expect(isBase64('YQ=')).toBe(false);
    expect(isBase64('YR==')).toBe(false); // non-canonical trailing bits
    const o: Record<string, unknown> = { kind: 'Secret', metadata: { name: 'x' }, stringData: { k: 1 } };
    expect(() => mergeStringData(o)).toThrow('stringData[k]: must be a string');
  });
});
