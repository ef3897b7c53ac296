import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { containerId } from './ids.js';

const rule = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;

describe('containerId', () => {
  it('keeps a plain uid-name id as it is', () => {
    expect(containerId('0b3c6e1e-8f0a-4c39-9d53-3f2f1c3a9b10', 'web')).toBe('0b3c6e1e-8f0a-4c39-9d53-3f2f1c3a9b10-web');
  });

  it('shortens long ids to 76 characters and keeps them distinct', () => {
    const uid = '0b3c6e1e-8f0a-4c39-9d53-3f2f1c3a9b10';
    const a = containerId(uid, 'a'.repeat(60));
    const b = containerId(uid, `${'a'.repeat(59)}b`);
    expect(a.length).toBeLessThanOrEqual(76);
    expect(a).not.toBe(b);
    expect(a).toMatch(rule);
  });

  it('always yields an id containerd accepts, and the same id for the same input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ minLength: 1, maxLength: 70 }), (uid, name) => {
        const id = containerId(uid, name);
        expect(id).toMatch(rule);
        expect(id.length).toBeLessThanOrEqual(76);
        expect(containerId(uid, name)).toBe(id);
      }),
    );
  });
});
