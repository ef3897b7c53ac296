import { describe, expect, it } from 'vitest';
import { createCoalescer } from './coalescer.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

describe('coalescer', () => {
  it('runs one value at a time and only the newest of those pushed during a run', async () => {
    const seen: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const first = gate();
    const c = createCoalescer<number>(async (v) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      seen.push(v);
      if (v === 1) await first.opened;
      inFlight--;
    }, (e) => {
      throw e;
    });
    c.push(1);
    for (const v of [2, 3, 4]) c.push(v);
    first.open();
    await c.idle();
    expect(seen).toEqual([1, 4]);
    expect(maxInFlight).toBe(1);
    c.push(5);
    await c.idle();
    expect(seen).toEqual([1, 4, 5]);
  });

  it('reports a failed run and keeps going with the next value', async () => {
    const errors: string[] = [];
    const seen: number[] = [];
    const c = createCoalescer<number>(async (v) => {
      if (v === 1) throw new Error('boom');
      seen.push(v);
    }, (e) => errors.push(e.message));
    c.push(1);
    await c.idle();
    c.push(2);
    await c.idle();
    expect(errors).toEqual(['boom']);
    expect(seen).toEqual([2]);
  });

  it('after close, drops the pending value and ignores pushes', async () => {
    const seen: number[] = [];
    const first = gate();
    const c = createCoalescer<number>(async (v) => {
      seen.push(v);
      if (v === 1) await first.opened;
    }, () => undefined);
    c.push(1);
    c.push(2);
    const closing = c.close();
    first.open();
    await closing;
    c.push(3);
    await c.idle();
    expect(seen).toEqual([1]);
  });
});
