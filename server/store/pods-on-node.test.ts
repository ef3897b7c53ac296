import { describe, expect, it } from 'vitest';
import type { KObject } from '../../shared/meta.js';
import { parseSelector } from '../../shared/selector.js';
import { openStore } from './store.js';

function pod(name: string, namespace: string, nodeName?: string, labels?: Record<string, string>): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, ...(labels ? { labels } : {}) },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'busybox' }] },
  };
}

describe('listing the pods of a node (indexed spec.nodeName)', () => {
  const s = openStore(':memory:');
  s.create(pod('a', 'default', 'edge-1', { app: 'x' }));
  s.create(pod('b', 'default', 'edge-2'));
  s.create(pod('c', 'other', 'edge-1'));
  s.create(pod('d', 'default'));
  s.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' }, data: {}, spec: { nodeName: 'edge-1' } } as KObject);
  const names = (opts: Parameters<typeof s.list>[1]) => s.list('Pod', opts).items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

  it('answers what a scan would: only pods, bound to that node, in namespace/name order', () => {
    expect(names({ fields: { 'spec.nodeName': 'edge-1' } })).toEqual(['default/a', 'other/c']);
    expect(names({ fields: { 'spec.nodeName': 'edge-3' } })).toEqual([]);
  });

  it('"" selects unscheduled pods, as a field selector does', () => {
    expect(names({ fields: { 'spec.nodeName': '' } })).toEqual(['default/d']);
  });

  it('combines with namespace, labels and other fields', () => {
    expect(names({ namespace: 'other', fields: { 'spec.nodeName': 'edge-1' } })).toEqual(['other/c']);
    expect(names({ labelSelector: parseSelector('app=x'), fields: { 'spec.nodeName': 'edge-1' } })).toEqual(['default/a']);
    expect(names({ fields: { 'spec.nodeName': 'edge-1', 'metadata.name': 'c' } })).toEqual(['other/c']);
  });

  it('follows rebinding and deletion', () => {
    const b = s.get('Pod', 'default', 'b')!;
    s.update({ ...b, spec: { ...(b.spec as object), nodeName: 'edge-1' } } as KObject);
    expect(names({ fields: { 'spec.nodeName': 'edge-1' } })).toEqual(['default/a', 'default/b', 'other/c']);
    s.delete('Pod', 'default', 'a');
    expect(names({ fields: { 'spec.nodeName': 'edge-1' } })).toEqual(['default/b', 'other/c']);
    expect(names({ fields: { 'spec.nodeName': 'edge-2' } })).toEqual([]);
  });
});
