/** Collects a ruleset in a stable order; a key claimed twice in one map is kept once and reported. */
import type { NftChain, NftElement, NftSet, Ruleset } from './ruleset.js';

export class RulesetBuilder {
  private readonly sets = new Map<string, NftSet>();
  private readonly owners = new Map<string, Map<string, string>>();
  private readonly chains = new Map<string, NftChain>();

  constructor(
    readonly table: string,
    readonly problems: string[],
  ) {}

  set(kind: NftSet['kind'], name: string, spec: string[]): void {
    this.sets.set(name, { kind, name, spec, elements: [] });
    this.owners.set(name, new Map());
  }

  hasSet(name: string): boolean {
    return this.sets.has(name);
  }

  /** Adds `key` (: `value`) to a declared set or map unless another owner holds the key already. */
  element(setName: string, key: string, value: string | undefined, owner: string): void {
    const set = this.sets.get(setName);
    const owners = this.owners.get(setName);
    if (!set || !owners) throw new Error(`no set ${setName} declared`);
    const holder = owners.get(key);
    if (holder !== undefined) {
      if (holder !== owner) this.problems.push(`${owner}: ${key} in ${setName} is already used by ${holder}; left out`);
      return;
    }
    owners.set(key, owner);
    const e: NftElement = value === undefined ? { key } : { key, value };
    set.elements.push(e);
  }

  chain(name: string, rules: string[], hook?: string): void {
    this.chains.set(name, hook === undefined ? { name, rules } : { name, hook, rules });
  }

  hasChain(name: string): boolean {
    return this.chains.has(name);
  }

  build(): Ruleset {
    return { table: this.table, sets: [...this.sets.values()], chains: [...this.chains.values()] };
  }
}
