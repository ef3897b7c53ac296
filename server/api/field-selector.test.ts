import { describe, expect, it } from 'vitest';
import { parseFieldSelector } from './field-selector.js';
import { testApi } from './testing/fixtures.js';

const event = (name: string, pod: string, uid: string) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name },
  involvedObject: { apiVersion: 'v1', kind: 'Pod', name: pod, namespace: 'default', uid },
  reason: 'Started',
  message: 'started',
  type: 'Normal',
});

describe('field selectors', () => {
  it('select the events of one object, as kubectl describe asks for them', async () => {
    const { call } = testApi();
    await call('POST', '/api/v1/namespaces/default/events', event('a.1', 'a', 'uid-a'));
    await call('POST', '/api/v1/namespaces/default/events', event('b.1', 'b', 'uid-b'));
    const selector = encodeURIComponent('involvedObject.name=a,involvedObject.namespace=default,involvedObject.kind=Pod,involvedObject.uid=uid-a');
    const res = await call('GET', `/api/v1/namespaces/default/events?fieldSelector=${selector}&limit=500`);
    expect(res.status).toBe(200);
    expect((await res.json()).items.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['a.1']);
  });

  it('name the unsupported field', () => {
    expect(() => parseFieldSelector('spec.replicas=1')).toThrow(/field "spec.replicas" is not supported/);
    expect(parseFieldSelector('type!=Normal')).toEqual([{ field: 'type', op: '!=', value: 'Normal' }]);
  });
});
