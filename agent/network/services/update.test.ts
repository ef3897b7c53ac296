import { describe, expect, it } from 'vitest';
import { planRules } from './plan.js';
import { planUpdate, renderChainDeletion } from './update.js';
import { testEndpoint as ep, testInput, testService as svc } from './testing/inputs.js';
import { updateCases } from './testing/updates.js';

const rules = (input: Parameters<typeof planRules>[0]) => planRules(input).ruleset;

describe('planUpdate', () => {
  for (const c of updateCases) {
    it(`${c.name} (testdata/update-${c.name}.nft)`, async () => {
      const update = planUpdate(rules(c.before), rules(c.after));
      expect(update).not.toBeNull();
      await expect(update!.script).toMatchFileSnapshot(`./testdata/update-${c.name}.nft`);
      expect(update!.emptied.sort()).toEqual(c.emptied);
    });
  }

  it('has nothing to do when nothing changed', () => {
    const input = updateCases[1]!.after;
    expect(planUpdate(rules(input), rules(structuredClone(input)))).toEqual({ script: '', emptied: [] });
  });

  it('rewrites one chain, not the others, when one endpoint changes', () => {
    const many = (n: number, without?: string) =>
      testInput(
        Array.from({ length: n }, (_, i) =>
          svc(`s${i}`, `10.43.1.${i + 1}`, { endpoints: [ep(`10.42.2.${i + 1}`), ep(`10.42.3.${i + 1}`)].filter((e) => e.ip !== without) }),
        ),
      );
    const update = planUpdate(rules(many(50)), rules(many(50, '10.42.3.7')))!;
    expect(update.script.split('\n').filter(Boolean)).toEqual([
      'flush chain ip kedge svc-default/s6/tcp/80',
      'add rule ip kedge svc-default/s6/tcp/80 ip daddr 10.43.1.7 ip saddr != 10.42.0.0/16 jump mark-for-masquerade',
      'add rule ip kedge svc-default/s6/tcp/80 meta l4proto tcp dnat ip to 10.42.2.7:8080',
    ]);
  });

  it('replaces a map element whose verdict changed (delete, then add)', () => {
    const before = testInput([svc('web', '10.43.0.20', { internalTrafficLocal: true, endpoints: [ep('10.42.2.7')] })]);
    const after = testInput([svc('web', '10.43.0.20', { internalTrafficLocal: true, endpoints: [] })]);
    const lines = planUpdate(rules(before), rules(after))!.script.split('\n');
    expect(lines).toContain('delete element ip kedge no-endpoint-services { 10.43.0.20 . tcp . 80 }');
    expect(lines).toContain('add element ip kedge no-endpoint-services { 10.43.0.20 . tcp . 80 : goto reject-chain }');
    expect(lines.indexOf('delete element ip kedge no-endpoint-services { 10.43.0.20 . tcp . 80 }')).toBeLessThan(
      lines.indexOf('add element ip kedge no-endpoint-services { 10.43.0.20 . tcp . 80 : goto reject-chain }'),
    );
  });

  it('asks for a whole replacement when a set is declared differently or the table is another', () => {
    const sticky = (timeout: number) => testInput([svc('sticky', '10.43.0.50', { affinityTimeoutSeconds: timeout, endpoints: [ep('10.42.2.7')] })]);
    expect(planUpdate(rules(sticky(60)), rules(sticky(120)))).toBeNull();
    expect(planUpdate(planRules(sticky(60), 'a').ruleset, planRules(sticky(60), 'b').ruleset)).toBeNull();
  });

  it('deletes emptied chains in a transaction of their own', () => {
    expect(renderChainDeletion('kedge', ['svc-default/web/tcp/80', 'ext-default/web/tcp/80'])).toBe(
      'delete chain ip kedge svc-default/web/tcp/80\ndelete chain ip kedge ext-default/web/tcp/80\n',
    );
  });
});
