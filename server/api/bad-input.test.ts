import { describe, expect, it } from 'vitest';
import { kinds } from '../../shared/kinds.js';
import { maxBodyBytes } from './app.js';
import { podManifest, testApi } from './testing/fixtures.js';

const pods = '/api/v1/namespaces/default/pods';

/** Everything the store holds, to prove a refused request changed nothing. */
function snapshot(store: ReturnType<typeof testApi>['store']) {
  return { rv: store.currentResourceVersion(), objects: kinds.map((k) => store.list(k.kind).items) };
}

function nested(depth: number): string {
  return `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"deep"},"spec":{"containers":[{"name":"c","image":"i"}]},"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

describe('bad input to the API: a 4xx Status naming the problem, the store unchanged', () => {
  it.each([
    ['malformed JSON', '{"apiVersion": "v1", "kind": "Pod", ', 400, /request body: malformed JSON/],
    ['YAML sent as the body', 'apiVersion: v1\nkind: Pod\n', 400, /request body: malformed JSON/],
    ['an empty body', '   ', 400, /request body: is empty/],
    ['a JSON array', '[1,2]', 400, /request body: must be a JSON object/],
    ['a wrong type', JSON.stringify({ ...podManifest('web'), spec: { containers: 'nginx' } }), 422, /spec\.containers/],
    ['a wrong type deep down', JSON.stringify({ ...podManifest('web'), spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 'eighty' }] }] } }), 422, /spec\.containers\[0\]\.ports\[0\]\.containerPort/],
    ['a name that is not DNS-1123', JSON.stringify(podManifest('Web_1')), 422, /metadata\.name/],
    ['a name that is too long', JSON.stringify(podManifest('a'.repeat(254))), 422, /metadata\.name: must be no more than 253 characters/],
    ['a namespace that is not DNS-1123', JSON.stringify({ ...podManifest('web'), metadata: { name: 'web', namespace: 'Prod' } }), 400, /metadata\.namespace/],
    ['a JSON body nested 10,000 levels', nested(10_000), 400, /request body: nested more than 100 levels deep/],
    ['a JSON body nested 101 levels', nested(100), 400, /nested more than 100 levels/],
  ])('%s', async (_what, body, code, message) => {
    const { call, store } = testApi();
    const before = snapshot(store);
    const res = await call('POST', pods, body);
    expect(res.status).toBe(code);
    const status = await res.json();
    expect(status).toMatchObject({ kind: 'Status', status: 'Failure', code });
    expect(status.message).toMatch(message);
    expect(snapshot(store)).toEqual(before);
  });

  it('accepts nesting a real object needs', async () => {
    const { call } = testApi();
    const res = await call('POST', pods, nested(99)); // 100 levels
    expect(res.status).toBe(201);
  });

  it('refuses an oversized body with 413', async () => {
    const { call, store } = testApi();
    const before = snapshot(store);
    const big = { ...podManifest('big'), metadata: { name: 'big', annotations: { a: 'x'.repeat(maxBodyBytes) } } };
    const res = await call('POST', pods, big);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', message: expect.stringContaining('1 MiB') });
    expect(snapshot(store)).toEqual(before);
  });

  it('refuses deep nesting and junk in a PATCH too', async () => {
    const { call, store } = testApi();
    await call('POST', pods, podManifest('web'));
    const before = snapshot(store);
    const merge = { 'content-type': 'application/merge-patch+json' };
    const deep = await call('PATCH', `${pods}/web`, `{"metadata":{"labels":${'['.repeat(5000)}${']'.repeat(5000)}}}`, merge);
    expect(deep.status).toBe(400);
    const junk = await call('PATCH', `${pods}/web`, '{"metadata":', merge);
    expect(junk.status).toBe(400);
    const wrong = await call('PATCH', `${pods}/web`, { metadata: { labels: { app: 42 } } }, merge);
    expect(wrong.status).toBe(422);
    expect((await wrong.json()).message).toContain('metadata.labels.app');
    expect(snapshot(store)).toEqual(before);
  });
});

describe('unknown fields (?fieldValidation=)', () => {
  const withExtras = () => {
    const pod = podManifest('web') as unknown as { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } };
    pod.spec.foo = 1;
    pod.spec.containers[0]!.colour = 'blue';
    return pod;
  };

  it('Warn (the default) stores the object without them and says so in Warning headers, as kubectl shows', async () => {
    const { call, store } = testApi();
    const res = await call('POST', pods, withExtras());
    expect(res.status).toBe(201);
    expect(res.headers.get('warning')).toBe('299 - "unknown field \\"spec.containers[0].colour\\"", 299 - "unknown field \\"spec.foo\\""');
    const stored = store.get('Pod', 'default', 'web') as unknown as { metadata: object; spec: Record<string, unknown> & { containers: Record<string, unknown>[] } };
    expect(stored.spec.foo).toBeUndefined();
    expect(stored.spec.containers[0]!.colour).toBeUndefined();
    const explicit = await call('PUT', `${pods}/web?fieldValidation=Warn`, { ...withExtras(), metadata: stored.metadata });
    expect(explicit.status).toBe(200);
    expect(explicit.headers.get('warning')).toContain('spec.foo');
  });

  it('Strict refuses with 400 naming every unknown field, and stores nothing', async () => {
    const { call, store } = testApi();
    const before = snapshot(store);
    const res = await call('POST', `${pods}?fieldValidation=Strict`, withExtras());
    expect(res.status).toBe(400);
    const status = await res.json();
    expect(status).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    expect(status.message).toBe('Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].colour", unknown field "spec.foo"');
    expect(status.details.causes.map((c: { field: string }) => c.field)).toEqual(['spec.containers[0].colour', 'spec.foo']);
    expect(snapshot(store)).toEqual(before);
  });

  it('Strict applies to a merge patch adding an unknown field; a clean object passes', async () => {
    const { call, store } = testApi();
    expect((await call('POST', `${pods}?fieldValidation=Strict`, podManifest('web'))).status).toBe(201);
    const before = snapshot(store);
    const res = await call('PATCH', `${pods}/web?fieldValidation=Strict`, { spec: { bogus: true } }, { 'content-type': 'application/merge-patch+json' });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toContain('unknown field "spec.bogus"');
    expect(snapshot(store)).toEqual(before);
  });

  it('Strict accepts fields Kubernetes defines but kedge ignores (kubectl asks for Strict by default), with a warning', async () => {
    const { call, store } = testApi();
    const manifest = podManifest('web') as unknown as { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } };
    manifest.spec.securityContext = { runAsUser: 1000 };
    manifest.spec.containers[0]!.terminationMessagePolicy = 'File';
    const res = await call('POST', `${pods}?fieldValidation=Strict`, manifest);
    expect(res.status).toBe(201);
    expect(res.headers.get('warning')).toContain('field \\"spec.securityContext\\" is not supported by kedge and was ignored');
    expect(res.headers.get('warning')).toContain('spec.containers[0].terminationMessagePolicy');
    expect(store.get('Pod', 'default', 'web')).toBeDefined();
    manifest.spec.containers[0]!.imagee = 'typo';
    const typo = await call('POST', `${pods.replace('default', 'default')}?fieldValidation=Strict`, { ...manifest, metadata: { name: 'web2' } });
    expect(typo.status).toBe(400);
    expect((await typo.json()).message).toContain('unknown field "spec.containers[0].imagee"');
  });

  it('Ignore drops them silently', async () => {
    const { call } = testApi();
    const res = await call('POST', `${pods}?fieldValidation=Ignore`, withExtras());
    expect(res.status).toBe(201);
    expect(res.headers.get('warning')).toBeNull();
  });

  it('refuses an unknown fieldValidation value', async () => {
    const { call, store } = testApi();
    const res = await call('POST', `${pods}?fieldValidation=Loose`, podManifest('web'));
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe('fieldValidation: "Loose" is not one of Ignore, Warn, Strict');
    expect(store.list('Pod').items).toEqual([]);
  });

  it('escapes field names that could break the header, and caps the number of warnings', async () => {
    const { call } = testApi();
    const pod = podManifest('web') as unknown as { spec: Record<string, unknown> };
    pod.spec['we"ird\nkëy'] = 1;
    for (let i = 0; i < 40; i++) pod.spec[`extra${i}`] = i;
    const res = await call('POST', pods, pod);
    expect(res.status).toBe(201);
    const warnings = res.headers.get('warning')!.split(', 299 - ');
    expect(warnings[0]).toBe('299 - "unknown field \\"spec.we\\"ird\\u000ak\\u00eby\\""');
    expect(warnings).toHaveLength(33);
    expect(warnings.at(-1)).toBe('"9 more unknown fields not shown"');
  });
});
