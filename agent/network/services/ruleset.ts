/**
 * The Service rules as plain data (one nftables table: its sets, maps and chains), and the whole-table
 * script that replaces the table in one transaction.
 */

export interface NftElement {
  key: string;
  /** The mapped value (a verdict for a vmap); absent in a plain set. */
  value?: string;
}

export interface NftSet {
  kind: 'set' | 'map';
  name: string;
  /** Declaration lines: `type …`, `flags …`, `timeout …`. */
  spec: string[];
  elements: NftElement[];
}

export interface NftChain {
  name: string;
  /** The base chain line, e.g. `type nat hook prerouting priority dstnat; policy accept;`. */
  hook?: string;
  rules: string[];
}

export interface Ruleset {
  table: string;
  sets: NftSet[];
  chains: NftChain[];
}

export const family = 'ip';

export function formatElement(e: NftElement): string {
  return e.value === undefined ? e.key : `${e.key} : ${e.value}`;
}

function renderSet(s: NftSet): string[] {
  const lines = [`\t${s.kind} ${s.name} {`, ...s.spec.map((l) => `\t\t${l}`)];
  if (s.elements.length > 0) {
    lines.push('\t\telements = {', s.elements.map((e) => `\t\t\t${formatElement(e)}`).join(',\n'), '\t\t}');
  }
  lines.push('\t}');
  return lines;
}

function renderChain(c: NftChain): string[] {
  return [`\tchain ${c.name} {`, ...(c.hook ? [`\t\t${c.hook}`] : []), ...c.rules.map((r) => `\t\t${r}`), '\t}'];
}

/**
 * The whole table as one `nft -f` transaction: create it if missing (so the delete cannot fail the first
 * time), delete it, and declare it anew. Either all of it applies or none of it.
 */
export function renderRuleset(rs: Ruleset): string {
  const t = `${family} ${rs.table}`;
  const body = [...rs.sets.map(renderSet), ...rs.chains.map(renderChain)].map((block) => block.join('\n'));
  return [`table ${t} {}`, `delete table ${t}`, `table ${t} {`, body.join('\n\n'), '}', ''].join('\n');
}

/** Removes the table, whether or not it exists. */
export function renderRemoval(table: string): string {
  return `table ${family} ${table} {}\ndelete table ${family} ${table}\n`;
}
