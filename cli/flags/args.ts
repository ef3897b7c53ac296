import { KedgeError } from '../../shared/errors.js';

/** One command-line flag; `env` names the KEDGE_* variable read when the flag is absent. */
export interface FlagSpec {
  name: string;
  short?: string;
  type: 'string' | 'boolean';
  /** Repeatable: every occurrence is kept; the env variable is split on commas. */
  multiple?: boolean;
  env?: string;
  /** Shown in help only; commands apply their own defaults (some depend on the host). */
  default?: string;
  valueName?: string;
  description: string;
}

export type FlagValue = string | string[] | boolean | undefined;

export interface ParsedArgs {
  options: Record<string, FlagValue>;
  /** Where each option came from, as an error should name it: "--https-port" or "KEDGE_HTTPS_PORT". */
  sources: Record<string, string>;
  positionals: string[];
  help: boolean;
}

const truthy = new Set(['true', '1', 'yes', 'on']);
const falsy = new Set(['false', '0', 'no', 'off', '']);

/** Parses a boolean written by a person; `what` names the flag or variable at fault. */
export function parseBool(text: string, what: string): boolean {
  const t = text.trim().toLowerCase();
  if (truthy.has(t)) return true;
  if (falsy.has(t)) return false;
  throw new KedgeError('BadRequest', `${what}: "${text}" is not a boolean; use true or false`);
}

/**
 * Parses argv strictly against `specs` (`--flag=value`, `--flag value`, `-f value`, `-fvalue`,
 * repeatable flags, `--` ends flags), then fills absent flags from their env variables: the flag wins.
 */
export function parseArgs(argv: string[], specs: FlagSpec[], ctx: { command: string; env?: Record<string, string | undefined> }): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const options: Record<string, FlagValue> = {};
  const sources: Record<string, string> = {};
  const positionals: string[] = [];
  let help = false;

  const set = (spec: FlagSpec, value: string | boolean, shown: string) => {
    sources[spec.name] = `--${spec.name}`;
    if (spec.type === 'boolean') {
      options[spec.name] = typeof value === 'boolean' ? value : parseBool(value, shown);
    } else if (spec.multiple) {
      options[spec.name] = [...((options[spec.name] as string[] | undefined) ?? []), value as string];
    } else {
      options[spec.name] = value as string;
    }
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    let spec: FlagSpec | undefined;
    let shown: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      shown = `--${name}`;
      spec = byName.get(name);
    } else if (arg.startsWith('-') && arg.length > 1) {
      shown = `-${arg[1]}`;
      spec = byShort.get(arg[1]!);
      if (arg.length > 2) inline = arg[2] === '=' ? arg.slice(3) : arg.slice(2);
      if (spec?.type === 'boolean' && inline !== undefined) spec = undefined;
    } else {
      positionals.push(arg);
      continue;
    }
    if (!spec) throw new KedgeError('BadRequest', `unknown flag ${shown} for "${ctx.command}"; see "${ctx.command} --help"`);
    if (spec.type === 'boolean') {
      set(spec, inline ?? true, shown);
      continue;
    }
    if (inline === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new KedgeError('BadRequest', `flag ${shown} needs a value${spec.valueName ? ` (${spec.valueName})` : ''}`);
      }
      inline = next;
      i++;
    }
    set(spec, inline, shown);
  }

  for (const spec of specs) {
    if (options[spec.name] !== undefined || !spec.env) continue;
    const raw = ctx.env?.[spec.env];
    if (raw === undefined || raw === '') continue;
    sources[spec.name] = spec.env;
    if (spec.type === 'boolean') options[spec.name] = parseBool(raw, spec.env);
    else if (spec.multiple) options[spec.name] = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    else options[spec.name] = raw;
  }
  return { options, sources, positionals, help };
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOption(args: ParsedArgs, name: string): string[] {
  const v = args.options[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** How an error should name an option: the flag, or the variable it was read from. */
export function sourceOf(args: ParsedArgs, name: string): string {
  return args.sources[name] ?? `--${name}`;
}

export function boolOption(args: ParsedArgs, name: string): boolean {
  return args.options[name] === true;
}

/** The `--help` text of one command, generated from its flag specs. */
export function renderHelp(cmd: { usage: string; description: string; flags: FlagSpec[]; examples?: string[] }): string {
  const left = cmd.flags.map((f) => {
    const value = f.type === 'string' ? ` ${f.valueName ?? 'string'}` : '';
    return `${f.short ? `-${f.short}, ` : '    '}--${f.name}${value}`;
  });
  const width = Math.max(0, ...left.map((l) => l.length)) + 3;
  const lines = cmd.flags.map((f, i) => {
    const extras = [
      f.multiple ? 'repeatable' : '',
      f.default !== undefined ? `default ${f.default}` : '',
      f.env ? `env ${f.env}` : '',
    ].filter(Boolean);
    const tail = extras.length ? ` (${extras.join('; ')})` : '';
    return `  ${left[i]!.padEnd(width)}${f.description}${tail}`;
  });
  lines.push(`  ${'-h, --help'.padEnd(width)}Show this help`);
  const parts = [`Usage: ${cmd.usage}`, '', cmd.description, '', 'Flags:', ...lines];
  if (cmd.examples?.length) parts.push('', 'Examples:', ...cmd.examples.map((e) => `  ${e}`));
  return parts.join('\n') + '\n';
}
