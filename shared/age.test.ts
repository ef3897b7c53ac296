import { describe, expect, it } from 'vitest';
import { formatAge, formatDuration } from './age.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('formatDuration (kubectl HumanDuration)', () => {
  it.each([
    [-3 * s, '<invalid>'],
    [-1500, '0s'],
    [0, '0s'],
    [45 * s, '45s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [3 * m + 12 * s, '3m12s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [5 * h + 10 * m, '5h10m'],
    [8 * h + 59 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [3 * d + 4 * h, '3d4h'],
    [8 * d + 5 * h, '8d'],
    [729 * d, '729d'],
    [2 * 365 * d + 30 * d, '2y30d'],
    [3 * 365 * d, '3y'],
    [9 * 365 * d + 100 * d, '9y'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatAge', () => {
  it('measures from a timestamp and says <unknown> without one', () => {
    const now = Date.parse('2024-05-01T12:00:00Z');
    expect(formatAge('2024-05-01T11:59:15Z', now)).toBe('45s');
    expect(formatAge('2024-04-29T12:00:00Z', now)).toBe('2d');
    expect(formatAge(undefined, now)).toBe('<unknown>');
    expect(formatAge('yesterday', now)).toBe('<unknown>');
  });
});
