import { describe, expect, it } from 'vitest';
import { renderTable } from './table.js';

describe('renderTable', () => {
  it('upper-cases headers, aligns columns with three spaces and leaves no trailing blanks', () => {
    const text = renderTable(['name', 'status', 'age'], [
      ['pi-1', 'Ready', '5d'],
      ['a-much-longer-name', 'NotReady', '45s'],
    ]);
    expect(text).toBe(
      'NAME                 STATUS     AGE\n' +
        'pi-1                 Ready      5d\n' +
        'a-much-longer-name   NotReady   45s\n',
    );
  });
  it('prints just the header for no rows and tolerates short rows', () => {
    expect(renderTable(['A', 'B'], [])).toBe('A   B\n');
    expect(renderTable(['A', 'B', 'C'], [['x']])).toBe('A   B   C\nx\n');
  });
});
