import { describe, expect, it } from 'vitest';
import { renderRules } from './plan.js';
import { goldenCases } from './testing/cases.js';

describe('renderRules golden scripts (testdata/<case>.nft; `npx vitest run -u` rewrites them)', () => {
  for (const { name, input } of goldenCases) {
    it(name, async () => {
      await expect(renderRules(input)).toMatchFileSnapshot(`./testdata/${name}.nft`);
    });
  }

  it('does not depend on the order Services and pods arrive in', () => {
    for (const { input } of goldenCases) {
      const shuffled = { ...input, services: [...input.services].reverse(), localPods: [...input.localPods].reverse() };
      expect(renderRules(shuffled)).toBe(renderRules(input));
    }
  });

  it('names the table it is given', () => {
    const script = renderRules(goldenCases[0]!.input, 'svcrules_t1');
    expect(script.split('\n').slice(0, 3)).toEqual(['table ip svcrules_t1 {}', 'delete table ip svcrules_t1', 'table ip svcrules_t1 {']);
  });
});
