/**
 * Collects a ruleset in a stable order; a key claimed twice in one map is kept once and reported. What
 * one Service contributes is recorded as a part first, so that an unchanged Service's part can be added
 * again on the next sync without planning it again.
 */
import { KedgeError } from '../../../shared/errors.js';
import type { NftChain, NftElement, NftSet, Ruleset } from './ruleset.js';

type SetDeclaration = Pick<NftSet, 'kind' | 'name' | 'spec'>;

/** What a Service adds to the table. */
export interface RulesetPart {
  sets: SetDeclaration[];
  chains: NftChain[];
  elements: { set: string; key: string; value?: string; owner: string }[];
  problems: string[];
}

/** Where rules are written: the table being built, or the part of one Service. */
export interface RuleSink {
  readonly problems: string[];
  set(kind: NftSet['kind'], name: string, spec: string[]): void;
  hasSet(name: string): boolean;
  element(set: string, key: string, value: string | undefined, owner: string): void;
  chain(name: string, rules: string[], hook?: string): void;
  hasChain(name: string): boolean;
}

export class PartRecorder implements RuleSink {
  readonly part: RulesetPart = { sets: [], chains: [], elements: [], problems: [] };
  private readonly names = new Set<string>();
  readonly problems = this.part.problems;

  set(kind: NftSet['kind'], name: string, spec: string[]): void {
    this.part.sets.push({ kind, name, spec });
    this.names.add(`set ${name}`);
  }

  hasSet(name: string): boolean {
    return this.names.has(`set ${name}`);
  }

  element(set: string, key: string, value: string | undefined, owner: string): void {
    this.part.elements.push(value === undefined ? { set, key, owner } : { set, key, value, owner });
  }

  chain(name: string, rules: string[], hook?: string): void {
    this.part.chains.push(hook === undefined ? { name, rules } : { name, hook, rules });
    this.names.add(`chain ${name}`);
  }

  hasChain(name: string): boolean {
    return this.names.has(`chain ${name}`);
  }
}

export class RulesetBuilder implements RuleSink {
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
    if (!set || !owners) throw new KedgeError('InternalError', `service rules: element for set ${setName}, which is not declared`);
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

  /** Adds a recorded part; its chain objects are kept as they are, so an unchanged chain stays the same object. */
  add(part: RulesetPart): void {
    for (const s of part.sets) this.set(s.kind, s.name, s.spec);
    for (const c of part.chains) this.chains.set(c.name, c);
    for (const e of part.elements) this.element(e.set, e.key, e.value, e.owner);
    this.problems.push(...part.problems);
  }

  build(): Ruleset {
    return { table: this.table, sets: [...this.sets.values()], chains: [...this.chains.values()] };
  }
}
