import { describe, expect, it } from 'vitest';
import { fromStatus, isErrorCode, KedgeError, toStatus } from './errors.js';

describe('errors over the wire', () => {
  it('a Status comes back as the KedgeError it describes', () => {
    const e = fromStatus(toStatus(new KedgeError('Conflict', 'changed', { details: { name: 'x' } })), 409);
    expect([e.code, e.status, e.message, e.details]).toEqual(['Conflict', 409, 'changed', { name: 'x' }]);
  });

  it('an unknown reason, or an inherited property name, falls back to the HTTP status', () => {
    expect(isErrorCode('NotFound')).toBe(true);
    for (const reason of ['constructor', 'toString', '__proto__', 'Teapot']) {
      expect(isErrorCode(reason)).toBe(false);
      expect(fromStatus({ reason, message: 'm' }, 404).code).toBe('NotFound');
    }
    expect(fromStatus(undefined, 502).code).toBe('InternalError');
    expect(fromStatus('not json', 418).code).toBe('BadRequest');
  });
});
