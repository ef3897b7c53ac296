import { describe, expect, it } from 'vitest';
import type { Store } from '../store/types.js';
import { eventReader, podManifest, testApi } from './testing/fixtures.js';

const pods = '/api/v1/namespaces/default/pods';

/** Counts live store subscriptions, to prove a watch cleans up after itself. */
function countingStore(store: Store) {
  let live = 0;
  const counted: Store = Object.create(store);
  counted.watch = (listener, opts) => {
    const stop = store.watch(listener, opts);
    live++;
    return () => {
      live--;
      stop();
    };
  };
  return { store: counted, live: () => live };
}

describe('watch', () => {
  it('streams the current objects as ADDED, then later ADDED and DELETED events', async () => {
    const { call, store } = testApi();
    await call('POST', pods, podManifest('existing'));
    const res = await call('GET', `${pods}?watch=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const events = eventReader(res);
    expect((await events.next(1)).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED existing']);
    await call('POST', pods, podManifest('web'));
    await call('DELETE', `${pods}/web`);
    const later = await events.next(2);
    expect(later.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED web', 'DELETED web']);
    expect(later[1]!.object.metadata.resourceVersion).toBe(String(store.currentResourceVersion()));
    await events.cancel();
  });

  it('resumes after a resourceVersion without replaying the current state', async () => {
    const { call } = testApi();
    const a = await (await call('POST', pods, podManifest('a'))).json();
    await call('POST', pods, podManifest('b'));
    const events = eventReader(await call('GET', `${pods}?watch=true&resourceVersion=${a.metadata.resourceVersion}`));
    expect((await events.next(1)).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b']);
    await events.cancel();
  });

  it('answers 410 Gone for a resourceVersion older than the history', async () => {
    const { call, store } = testApi();
    for (let i = 0; i < 2100; i++) store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `n${i}` } });
    const res = await call('GET', `${pods}?watch=1&resourceVersion=2`);
    expect(res.status).toBe(410);
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'Gone', code: 410 });
  });

  it('filters by kind, namespace and selector, reporting objects that leave the selection as DELETED', async () => {
    const { call, store } = testApi();
    await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    const events = eventReader(await call('GET', `${pods}?watch=1&labelSelector=app%3Dweb`));
    await call('POST', '/api/v1/namespaces/prod/pods', podManifest('elsewhere', { app: 'web' }));
    await call('POST', pods, podManifest('db', { app: 'db' }));
    await call('POST', pods, podManifest('web', { app: 'web' }));
    const web = store.get('Pod', 'default', 'web')!;
    store.update({ ...web, metadata: { ...web.metadata, labels: { app: 'other' } } });
    store.update({ ...web, metadata: { ...web.metadata, labels: { app: 'web' } } });
    const got = await events.next(3);
    expect(got.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED web', 'DELETED web', 'ADDED web']);
    await events.cancel();
  });

  it('ends the stream after timeoutSeconds', async () => {
    const { call } = testApi();
    const events = eventReader(await call('GET', `${pods}?watch=1&timeoutSeconds=0`));
    expect(await events.ended()).toBe(true);
  });

  it('answers 400 for a malformed resourceVersion or timeoutSeconds', async () => {
    const { call } = testApi();
    expect((await call('GET', `${pods}?watch=1&resourceVersion=abc`)).status).toBe(400);
    const res = await call('GET', `${pods}?watch=1&timeoutSeconds=-1`);
    expect((await res.json()).message).toContain('timeoutSeconds');
  });

  it('drops its store subscription when the client goes away', async () => {
    const base = testApi();
    const counting = countingStore(base.store);
    const { call } = testApi({ store: counting.store });
    const events = eventReader(await call('GET', `${pods}?watch=1`));
    expect(counting.live()).toBe(1);
    await events.cancel();
    await new Promise((r) => setTimeout(r, 10));
    expect(counting.live()).toBe(0);
  });
});
