import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isKedgeError } from './errors.js';
import { fieldPath, issueCauses, issuesText, validate } from './validate.js';

const schema = z.object({ spec: z.object({ containers: z.array(z.object({ image: z.string() })), replicas: z.number() }) });
const bad = { spec: { containers: [{ image: 1 }], replicas: 'x' } };
const error = schema.safeParse(bad).error!;

describe('zod issues', () => {
  it('name fields as Kubernetes writes them', () => {
    expect(fieldPath(['spec', 'containers', 0, 'image'])).toBe('spec.containers[0].image');
    expect(fieldPath([])).toBe('(root)');
    expect(issueCauses(error).map((c) => [c.field, c.reason])).toEqual([
      ['spec.containers[0].image', 'FieldValueInvalid'],
      ['spec.replicas', 'FieldValueInvalid'],
    ]);
  });

  it('say the first few in one line for logs', () => {
    expect(issuesText(error)).toMatch(/^spec\.containers\[0\]\.image: .+; spec\.replicas: .+$/);
    expect(issuesText(error, 1)).not.toContain('spec.replicas');
  });

  it('validate throws Invalid naming every field', () => {
    let thrown: unknown;
    try {
      validate(schema, bad, { kind: 'Thing', name: 't' });
    } catch (e) {
      thrown = e;
    }
    expect(isKedgeError(thrown, 'Invalid')).toBe(true);
    expect((thrown as Error).message).toMatch(/^Thing "t" is invalid: spec\.containers\[0\]\.image: .+, spec\.replicas: /);
  });
});
