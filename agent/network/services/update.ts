/**
 * The change from the table as last applied to the one wanted, as one `nft -f` transaction that touches
 * only what differs: an endpoint change rewrites one chain instead of the whole table, and the
 * affinity sets of untouched Services keep their clients.
 */
import { family, formatElement, type NftChain, type NftSet, type Ruleset } from './ruleset.js';

export interface RulesUpdate {
  /** The commands; empty when nothing changed. */
  script: string;
  /** Chains no longer used: emptied now, deleted by a later transaction (see renderChainDeletion). */
  emptied: string[];
}

const sameSpec = (a: NftSet, b: NftSet) => a.kind === b.kind && a.spec.join('\n') === b.spec.join('\n');
const sameRules = (a: NftChain, b: NftChain) => a === b || (a.rules.length === b.rules.length && a.rules.every((r, i) => r === b.rules[i]));

/** null when only a whole replacement will do: another table, a set redeclared, a hook changed. */
export function planUpdate(prev: Ruleset, next: Ruleset): RulesUpdate | null {
  if (prev.table !== next.table) return null;
  const t = `${family} ${next.table}`;
  const prevSets = new Map(prev.sets.map((s) => [s.name, s]));
  const prevChains = new Map(prev.chains.map((c) => [c.name, c]));
  const nextSets = new Set(next.sets.map((s) => s.name));
  const nextChains = new Set(next.chains.map((c) => c.name));

  const create: string[] = [];
  const deleteElements: string[] = [];
  const addElements: string[] = [];
  const rewrite: string[] = [];
  for (const set of next.sets) {
    const old = prevSets.get(set.name);
    if (old && !sameSpec(old, set)) return null;
    if (!old) create.push(`add ${set.kind} ${t} ${set.name} { ${set.spec.map((l) => `${l}; `).join('')}}`);
    const was = new Map((old?.elements ?? []).map((e) => [e.key, e.value]));
    const is = new Map(set.elements.map((e) => [e.key, e.value]));
    const gone = [...was.keys()].filter((k) => !is.has(k) || is.get(k) !== was.get(k));
    const added = set.elements.filter((e) => !was.has(e.key) || was.get(e.key) !== e.value);
    if (gone.length > 0) deleteElements.push(`delete element ${t} ${set.name} { ${gone.join(', ')} }`);
    if (added.length > 0) addElements.push(`add element ${t} ${set.name} { ${added.map(formatElement).join(', ')} }`);
  }
  for (const chain of next.chains) {
    const old = prevChains.get(chain.name);
    if (old ? old.hook !== chain.hook : chain.hook !== undefined) return null;
    if (old && sameRules(old, chain)) continue;
    if (old) rewrite.push(`flush chain ${t} ${chain.name}`);
    else create.push(`add chain ${t} ${chain.name}`);
    for (const rule of chain.rules) rewrite.push(`add rule ${t} ${chain.name} ${rule}`);
  }
  const emptied = prev.chains.filter((c) => !nextChains.has(c.name));
  if (emptied.some((c) => c.hook)) return null;
  // Emptied before their sets go: rules referring to a set keep it from being deleted.
  const retire = [
    ...emptied.map((c) => `flush chain ${t} ${c.name}`),
    ...prev.sets.filter((s) => !nextSets.has(s.name)).map((s) => `delete ${s.kind} ${t} ${s.name}`),
  ];
  const commands = [...create, ...deleteElements, ...rewrite, ...addElements, ...retire];
  return { script: commands.length > 0 ? `${commands.join('\n')}\n` : '', emptied: emptied.map((c) => c.name) };
}

/**
 * Deletes emptied chains. Kernels before 6.2 release a map element's reference to a chain only a moment
 * after the element is deleted, so this runs in a later transaction than the one that emptied them.
 */
export function renderChainDeletion(table: string, chains: readonly string[]): string {
  return chains.map((c) => `delete chain ${family} ${table} ${c}\n`).join('');
}
