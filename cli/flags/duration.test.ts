import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads Go durations', () => {
    expect(parseDuration('20s', 'x')).toBe(20_000);
    expect(parseDuration('1m30s', 'x')).toBe(90_000);
    expect(parseDuration('500ms', 'x')).toBe(500);
    expect(parseDuration('1.5h', 'x')).toBe(5_400_000);
    expect(parseDuration('0', 'x')).toBe(0);
    expect(parseDuration('0s', 'x')).toBe(0);
  });

  it('names the flag at fault', () => {
    for (const bad of ['20', 's', '', '-5s', '5 s', '5sec', '1h-1m']) {
      expect(() => parseDuration(bad, '--pod-eviction-timeout')).toThrow(`--pod-eviction-timeout: "${bad}" is not a duration`);
    }
  });
});
