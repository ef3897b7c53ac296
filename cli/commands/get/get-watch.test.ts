import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../../shared/client.js';
import { KedgeError } from '../../../shared/errors.js';
import { kindByName } from '../../../shared/kinds.js';
import type { KObject } from '../../../shared/meta.js';
import { tableMediaType } from '../../../shared/table.js';
import { tableWatchView } from '../../../server/api/tables.js';
import { runGetWatch } from './get-watch.js';
import { memoryClient } from '../../connection/testing/memory-client.js';

const now = Date.parse('2024-05-01T12:00:00Z');
const ns = (name: string, phase = 'Active'): KObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, creationTimestamp: '2024-05-01T11:59:00Z' }, status: { phase } } as KObject);

function setup(script: ((emit: (e: WatchEvent) => void, end: (err?: Error) => void) => void)[]) {
  const client = memoryClient({ clock: () => now });
  client.put(ns('default'));
  const watches: Record<string, unknown>[] = [];
  const c: Parameters<typeof runGetWatch>[0] = {
    ...client,
    watch<T>(_path: string, query: Record<string, unknown> | undefined, onEvent: (e: WatchEvent<T>) => void, onEnd?: (err?: Error) => void, o: { accept?: string } = {}) {
      watches.push(query ?? {});
      const step = script.shift();
      // Asked for Tables, the server sends each object as a one-row Table.
      let view: ((x: KObject) => KObject) | undefined;
      const emit = (e: WatchEvent) => {
        if (o.accept === tableMediaType) view ??= tableWatchView(e.object.kind, { version: 'v1', includeObject: 'Metadata' }, () => now);
        (onEvent as unknown as (e: WatchEvent) => void)({ ...e, object: view ? view(e.object) : e.object });
      };
      setTimeout(() => step?.(emit, (err) => onEnd?.(err)), 1);
      return { stop: () => undefined };
    },
  };
  const out: string[] = [];
  const io = { out: (t: string) => void out.push(t), err: () => undefined, now: () => now };
  return { c, out, io, watches };
}

const req = { info: kindByName('Namespace')!, names: [] as string[], namespace: undefined, output: 'table' as const };

describe('get -w', () => {
  it('prints the list, then one row per change from the list\'s resourceVersion', async () => {
    const s = setup([(emit, end) => {
      emit({ type: 'ADDED', object: ns('edge') });
      emit({ type: 'MODIFIED', object: ns('edge', 'Terminating') });
      end();
    }]);
    expect(await runGetWatch(s.c, req, { ...s.io, stopSignal: new Promise(() => undefined) })).toBe(0);
    expect(s.out.join('')).toBe('NAME      STATUS   AGE\ndefault   Active   60s\nedge   Active   60s\nedge   Terminating   60s\n');
    expect(s.watches[0]).toMatchObject({ resourceVersion: '1' });
  });

  it('starts over from the current state when the server no longer has that resourceVersion', async () => {
    const s = setup([(_e, end) => end(new KedgeError('Gone', 'too old')), (emit, end) => (emit({ type: 'ADDED', object: ns('x') }), end())]);
    await runGetWatch(s.c, { ...req, output: 'name' }, { ...s.io, stopSignal: new Promise(() => undefined) });
    expect(s.watches[1]).not.toHaveProperty('resourceVersion');
    expect(s.out.join('')).toBe('namespace/default\nnamespace/x\n');
  });

  it('prints the header with the first change when the list was empty', async () => {
    const s = setup([(emit, end) => (emit({ type: 'ADDED', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', creationTimestamp: '2024-05-01T11:59:00Z' }, spec: { containers: [{ name: 'c', image: 'i' }] } } as KObject }), end())]);
    await runGetWatch(s.c, { ...req, info: kindByName('Pod')!, namespace: 'default' }, { ...s.io, stopSignal: new Promise(() => undefined) });
    expect(s.out.join('')).toBe('NAME   READY   STATUS    RESTARTS   AGE\nx      0/1     Pending   0          60s\n');
  });

  it('ends cleanly on Ctrl-C and watches one name with a field selector', async () => {
    const s = setup([() => undefined]);
    const stop = Promise.resolve();
    expect(await runGetWatch(s.c, { ...req, names: ['default'], output: 'yaml' }, { ...s.io, stopSignal: stop })).toBe(0);
    expect(s.watches[0]).toMatchObject({ fieldSelector: 'metadata.name=default' });
    await expect(runGetWatch(s.c, { ...req, names: ['a', 'b'] }, { ...s.io, stopSignal: stop })).rejects.toThrow(/not several names/);
  });
});
