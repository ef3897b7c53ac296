import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KObject } from '../../shared/meta.js';
import { openStore } from './store.js';
import type { ClaimRules } from './types.js';

/** Toy rules: a Thing holds spec.ip in pool "ip" and each of spec.ports in pool "port". */
const rules: ClaimRules = {
  kinds: ['Thing'],
  of(o) {
    const spec = (o.spec ?? {}) as { ip?: string; ports?: number[] };
    return [
      ...(spec.ip ? [{ pool: 'ip', value: spec.ip, field: 'spec.ip' }] : []),
      ...(spec.ports ?? []).map((p, i) => ({ pool: 'port', value: String(p), field: `spec.ports[${i}]` })),
    ];
  },
};

const thing = (name: string, spec: { ip?: string; ports?: number[] }): KObject => ({ apiVersion: 'v1', kind: 'Thing', metadata: { name, namespace: 'default' }, spec });

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), 'kedge-claims-'));
  dirs.push(d);
  return join(d, 'state.db');
}

describe('store claims', () => {
  it('refuses a value another object holds, in the same transaction as the write', () => {
    const store = openStore(':memory:', { claims: rules });
    store.create(thing('a', { ip: '10.43.0.5', ports: [30000, 30000] }));
    expect(store.claims.holder('ip', '10.43.0.5')).toEqual({ kind: 'Thing', namespace: 'default', name: 'a' });
    expect(store.claims.values('port')).toEqual(['30000']);
    expect(() => store.create(thing('b', { ip: '10.43.0.5' }))).toThrow('Thing "b" is invalid: spec.ip: Invalid value: "10.43.0.5": already allocated to Thing default/a');
    expect(store.get('Thing', 'default', 'b')).toBeUndefined();
    const rv = store.currentResourceVersion();
    const b = store.create(thing('b', { ip: '10.43.0.6' }));
    expect(() => store.update({ ...b, spec: { ip: '10.43.0.6', ports: [30000] } })).toThrow('spec.ports[0]: Invalid value: "30000": already allocated to Thing default/a');
    expect(store.get('Thing', 'default', 'b')?.spec).toEqual({ ip: '10.43.0.6' });
    expect(store.currentResourceVersion()).toBe(rv + 1);
  });

  it('frees the values of an object that goes when its last finalizer is removed', () => {
    const store = openStore(':memory:', { claims: rules });
    const a = store.create({ ...thing('a', { ip: '10.43.0.5' }), metadata: { name: 'a', namespace: 'default', finalizers: ['example.com/hold'] } });
    const going = store.update({ ...a, metadata: { ...a.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 } });
    expect(store.claims.holder('ip', '10.43.0.5')).toBeDefined();
    store.update({ ...going, metadata: { ...going.metadata, finalizers: [] } });
    expect(store.get('Thing', 'default', 'a')).toBeUndefined();
    expect(store.claims.holder('ip', '10.43.0.5')).toBeUndefined();
    expect(store.create(thing('b', { ip: '10.43.0.5' })).spec).toEqual({ ip: '10.43.0.5' });
  });

  it('frees values an object drops or holds no more when deleted', () => {
    const store = openStore(':memory:', { claims: rules });
    const a = store.create(thing('a', { ip: '10.43.0.5', ports: [30000] }));
    store.update({ ...a, spec: { ip: '10.43.0.5' } });
    expect(store.claims.values('port')).toEqual([]);
    store.create(thing('b', { ports: [30000] }));
    store.delete('Thing', 'default', 'a');
    expect(store.claims.holder('ip', '10.43.0.5')).toBeUndefined();
    store.create(thing('c', { ip: '10.43.0.5' }));
    expect(store.claims.holder('ip', '10.43.0.5')?.name).toBe('c');
  });

  it('a batch that fails takes its claims back with its writes', () => {
    const store = openStore(':memory:', { claims: rules });
    expect(() =>
      store.batch(() => {
        store.create(thing('a', { ip: '10.43.0.5' }));
        store.create(thing('b', { ip: '10.43.0.5' }));
      }),
    ).toThrow('already allocated');
    expect(store.claims.values('ip')).toEqual([]);
    expect(store.get('Thing', 'default', 'a')).toBeUndefined();
  });

  it('keeps claims across restarts and rebuilds them from the objects when opened with the rules', () => {
    const path = tempDb();
    const a = openStore(path, { claims: rules });
    a.create(thing('a', { ip: '10.43.0.5' }));
    a.close();
    const b = openStore(path, { claims: rules });
    expect(() => b.create(thing('b', { ip: '10.43.0.5' }))).toThrow('already allocated');
    b.close();

    // Written without the rules (an older kedge): the next open with them indexes what the objects hold.
    const c = openStore(path);
    c.create(thing('c', { ip: '10.43.0.7' }));
    c.delete('Thing', 'default', 'a');
    c.close();
    const d = openStore(path, { claims: rules });
    expect(d.claims.values('ip')).toEqual(['10.43.0.7']);
    expect(() => d.create(thing('d', { ip: '10.43.0.7' }))).toThrow('already allocated to Thing default/c');
    d.close();
  });
});
