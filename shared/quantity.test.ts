import { describe, expect, it } from 'vitest';
import { humanMemory } from './quantity.js';

describe('humanMemory', () => {
  it.each([
    ['8135368Ki', '7.8Gi'],
    ['512Mi', '512Mi'],
    ['16Gi', '16Gi'],
    ['1536Mi', '1.5Gi'],
    ['1000', '1000'],
    ['2Ki', '2Ki'],
    ['lots', 'lots'],
  ])('%s → %s', (q, text) => expect(humanMemory(q)).toBe(text));
});
