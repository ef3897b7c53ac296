import { describe, expect, it } from 'vitest';
import { isKedgeError } from '../../shared/errors.js';
import { applyPatch, jsonPatch, mergePatch } from './patch.js';

describe('mergePatch (RFC 7386)', () => {
  it('merges objects, deletes on null and replaces arrays', () => {
    const doc = { a: 1, b: { c: 2, d: 3 }, list: [1, 2] };
    expect(mergePatch(doc, { b: { c: null, e: 4 }, list: [9], f: 'x' })).toEqual({ a: 1, b: { d: 3, e: 4 }, list: [9], f: 'x' });
    expect(doc.b).toEqual({ c: 2, d: 3 });
    expect(mergePatch(doc, [1])).toEqual([1]);
  });
});

describe('jsonPatch (RFC 6902)', () => {
  const doc = { spec: { containers: [{ name: 'a' }, { name: 'b' }] }, metadata: { labels: { 'x/y': '1' } } };

  it('adds, removes, replaces, moves, copies and tests', () => {
    const out = jsonPatch(doc, [
      { op: 'add', path: '/spec/containers/-', value: { name: 'c' } },
      { op: 'add', path: '/spec/containers/0', value: { name: 'first' } },
      { op: 'remove', path: '/spec/containers/1' },
      { op: 'replace', path: '/metadata/labels/x~1y', value: '2' },
      { op: 'copy', from: '/metadata/labels', path: '/metadata/annotations' },
      { op: 'move', from: '/metadata/annotations/x~1y', path: '/metadata/annotations/moved' },
      { op: 'test', path: '/spec/containers/2/name', value: 'c' },
    ]);
    expect(out).toEqual({
      spec: { containers: [{ name: 'first' }, { name: 'b' }, { name: 'c' }] },
      metadata: { labels: { 'x/y': '2' }, annotations: { moved: '2' } },
    });
    expect(doc.spec.containers).toHaveLength(2);
  });

  it('names the failing operation', () => {
    const fail = (ops: unknown) => {
      try {
        jsonPatch(doc, ops);
      } catch (e) {
        if (isKedgeError(e)) return `${e.code}: ${e.message}`;
        throw e;
      }
      return 'no error';
    };
    expect(fail([{ op: 'test', path: '/spec', value: 1 }])).toMatch(/^Invalid: request body\[0\] \(test \/spec\): test failed/);
    expect(fail([{ op: 'replace', path: '/missing', value: 1 }])).toContain('does not exist');
    expect(fail([{ op: 'remove', path: '/spec/containers/5' }])).toContain('does not exist');
    expect(fail([{ op: 'add', path: '/spec/containers/5', value: {} }])).toContain('out of range');
    expect(fail([{ op: 'jump', path: '/' }])).toMatch(/^BadRequest: request body\[0\]\.op/);
    expect(fail({ op: 'add' })).toContain('must be an array');
    expect(fail([{ op: 'add', path: '/x' }])).toContain('value: is required');
  });
});

describe('strategic merge patch', () => {
  it('merges containers by name, ignores unknown directives and honours $patch: delete', () => {
    const doc = { spec: { containers: [{ name: 'a', image: 'x' }] }, metadata: { labels: { a: '1', b: '2' } } };
    const patch = {
      $setElementOrder: 'ignored',
      spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'a', image: 'y' }] },
      metadata: { labels: { b: { $patch: 'delete' } } },
    };
    expect(applyPatch('application/strategic-merge-patch+json', doc, patch)).toEqual({
      spec: { containers: [{ name: 'a', image: 'y' }] },
      metadata: { labels: { a: '1' } },
    });
  });
});

describe('applyPatch', () => {
  it('chooses by Content-Type and refuses unknown ones with 415', () => {
    expect(applyPatch('application/merge-patch+json; charset=utf-8', { a: 1 }, { b: 2 })).toEqual({ a: 1, b: 2 });
    expect(applyPatch('application/json-patch+json', { a: 1 }, [{ op: 'remove', path: '/a' }])).toEqual({});
    let code: string | undefined;
    try {
      applyPatch('application/apply-patch+yaml', {}, {});
    } catch (e) {
      code = isKedgeError(e) ? e.code : undefined;
    }
    expect(code).toBe('UnsupportedMediaType');
  });
});
