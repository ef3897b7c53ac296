/** The scripts against the real nft and kernel, each in a private network namespace. */
import { describe, expect, it } from 'vitest';
import { planRules, renderRules } from './plan.js';
import { renderRuleset } from './ruleset.js';
import { planUpdate, renderChainDeletion } from './update.js';
import { goldenCases } from './testing/cases.js';
import { updateCases } from './testing/updates.js';
import { applyInPrivateNamespace, checkInPrivateNamespace, normalizeListing, privateNftSkipReason } from './testing/private-nft.js';

const skip = privateNftSkipReason();

describe.skipIf(skip !== null)(`Service rules on the real nft${skip ? ` (skipped: ${skip})` : ''}`, () => {
  for (const { name, input } of goldenCases) {
    it(`accepts the ${name} script (nft -c), also on top of an existing table`, () => {
      const script = renderRules(input);
      const check = checkInPrivateNamespace(script);
      expect(check.stderr).toBe('');
      expect(check.ok).toBe(true);
      const listing = normalizeListing(applyInPrivateNamespace([renderRules(goldenCases[1]!.input), script]));
      expect(listing.chains.find((c) => c.name === 'services')?.rules).toHaveLength(4);
      expect(listing).toEqual(normalizeListing(applyInPrivateNamespace([script])));
    });
  }

  for (const c of updateCases) {
    it(`update ${c.name} leaves the same table as a whole replacement`, () => {
      const before = planRules(c.before).ruleset;
      const after = planRules(c.after).ruleset;
      const update = planUpdate(before, after)!;
      const incremental = applyInPrivateNamespace([renderRuleset(before), update.script, ...(update.emptied.length ? [renderChainDeletion('kedge', update.emptied)] : [])]);
      expect(normalizeListing(incremental)).toEqual(normalizeListing(applyInPrivateNamespace([renderRuleset(after)])));
    });
  }

  it('rejects a broken script with nft’s own message', () => {
    const check = checkInPrivateNamespace('table ip kedge { chain c { bogus } }\n');
    expect(check.ok).toBe(false);
    expect(check.stderr).toMatch(/syntax error/);
  });
});
