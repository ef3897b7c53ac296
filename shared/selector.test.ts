import { describe, expect, it } from 'vitest';
import { formatLabelSelector, fromLabelSelector, matches, parseSelector } from './selector.js';

describe('label selectors', () => {
  it('parses kubectl selectors and matches labels', () => {
    const reqs = parseSelector('app=web,tier!=db,env in (a,b),!legacy,track');
    expect(matches(reqs, { app: 'web', env: 'a', track: '1' })).toBe(true);
    expect(matches(reqs, { app: 'web', env: 'c', track: '1' })).toBe(false);
    expect(matches(reqs, { app: 'web', env: 'a', track: '1', legacy: 'y' })).toBe(false);
    expect(() => parseSelector('app==')).not.toThrow();
    expect(() => parseSelector('a b c')).toThrow(/labelSelector: cannot parse "a b c"/);
  });

  it('prints a structured selector as Kubernetes does: sorted by key, values sorted', () => {
    const sel = { matchLabels: { tier: 'web', app: 'shop' }, matchExpressions: [{ key: 'env', operator: 'In' as const, values: ['prod', 'dev'] }, { key: 'beta', operator: 'DoesNotExist' as const }] };
    expect(formatLabelSelector(sel)).toBe('app=shop,!beta,env in (dev,prod),tier=web');
    expect(formatLabelSelector({})).toBe('');
    expect(formatLabelSelector(undefined)).toBe('');
    expect(matches(fromLabelSelector(sel), { app: 'shop', tier: 'web', env: 'dev' })).toBe(true);
  });
});
