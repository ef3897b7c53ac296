import { describe, expect, it } from 'vitest';
import { pidAlive, waitForExit } from './wait.js';

describe('waitForExit', () => {
  it('sees our own pid alive and a bogus one gone', () => {
    expect(pidAlive(process.pid)).toBe(true);
    expect(pidAlive(0)).toBe(false);
    expect(pidAlive(2 ** 22 + 12345)).toBe(false);
  });
  it('returns true once the process is gone and false on timeout', async () => {
    let polls = 0;
    expect(await waitForExit(1, 1000, 5, () => ++polls < 3)).toBe(true);
    expect(polls).toBe(3);
    const t0 = Date.now();
    expect(await waitForExit(1, 60, 5, () => true)).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
  });
});
