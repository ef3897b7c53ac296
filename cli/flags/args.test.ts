import { describe, expect, it } from 'vitest';
import { boolOption, listOption, parseArgs, parseBool, renderHelp, sourceOf, stringOption, type FlagSpec } from './args.js';

const specs: FlagSpec[] = [
  { name: 'filename', short: 'f', type: 'string', multiple: true, description: 'files' },
  { name: 'output', short: 'o', type: 'string', description: 'format' },
  { name: 'all-namespaces', short: 'A', type: 'boolean', description: 'all' },
  { name: 'https-port', type: 'string', env: 'KEDGE_HTTPS_PORT', description: 'port' },
  { name: 'tls-san', type: 'string', multiple: true, env: 'KEDGE_TLS_SAN', description: 'sans' },
  { name: 'disable-agent', type: 'boolean', env: 'KEDGE_DISABLE_AGENT', description: 'no agent' },
];
const parse = (argv: string[], env: Record<string, string> = {}) => parseArgs(argv, specs, { command: 'kedge test', env });

describe('parseArgs', () => {
  it('accepts --flag=value, --flag value, -f value, -fvalue and positionals', () => {
    const a = parse(['get', '--output=wide', '-f', 'a.yaml', '-fb.yaml', '--filename', 'c.yaml', 'pods']);
    expect(stringOption(a, 'output')).toBe('wide');
    expect(listOption(a, 'filename')).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
    expect(a.positionals).toEqual(['get', 'pods']);
  });

  it('takes "-" as a value (stdin) and keeps everything after -- as positionals', () => {
    const a = parse(['-f', '-', '--', '-A', '--output=x']);
    expect(listOption(a, 'filename')).toEqual(['-']);
    expect(a.positionals).toEqual(['-A', '--output=x']);
    expect(boolOption(a, 'all-namespaces')).toBe(false);
  });

  it('handles booleans, short booleans and --flag=false', () => {
    expect(boolOption(parse(['-A']), 'all-namespaces')).toBe(true);
    expect(boolOption(parse(['--disable-agent=false']), 'disable-agent')).toBe(false);
    expect(() => parse(['--disable-agent=maybe'])).toThrow(/--disable-agent: "maybe" is not a boolean/);
  });

  it('names an unknown flag and the command', () => {
    expect(() => parse(['--outptu', 'wide'])).toThrow('unknown flag --outptu for "kedge test"');
    expect(() => parse(['-x'])).toThrow('unknown flag -x');
    expect(() => parse(['-Afoo'])).toThrow('unknown flag -A');
  });

  it('names a flag missing its value', () => {
    expect(() => parse(['--output'])).toThrow('flag --output needs a value');
    expect(() => parse(['-o', '--all-namespaces'])).toThrow('flag -o needs a value');
  });

  it('reads env variables when the flag is absent, the flag winning', () => {
    const env = { KEDGE_HTTPS_PORT: '7443', KEDGE_TLS_SAN: 'a.local, 10.0.0.1,', KEDGE_DISABLE_AGENT: '1' };
    const fromEnv = parse([], env);
    expect(stringOption(fromEnv, 'https-port')).toBe('7443');
    expect(sourceOf(fromEnv, 'https-port')).toBe('KEDGE_HTTPS_PORT');
    expect(listOption(fromEnv, 'tls-san')).toEqual(['a.local', '10.0.0.1']);
    expect(boolOption(fromEnv, 'disable-agent')).toBe(true);
    const fromFlag = parse(['--https-port', '8443', '--tls-san', 'b', '--disable-agent=false'], env);
    expect(stringOption(fromFlag, 'https-port')).toBe('8443');
    expect(sourceOf(fromFlag, 'https-port')).toBe('--https-port');
    expect(listOption(fromFlag, 'tls-san')).toEqual(['b']);
    expect(boolOption(fromFlag, 'disable-agent')).toBe(false);
    expect(() => parse([], { KEDGE_DISABLE_AGENT: 'perhaps' })).toThrow('KEDGE_DISABLE_AGENT: "perhaps" is not a boolean');
  });

  it('notices --help and -h anywhere', () => {
    expect(parse(['pods', '-h']).help).toBe(true);
    expect(parse(['--help']).help).toBe(true);
    expect(parse(['pods']).help).toBe(false);
  });
});

describe('parseBool', () => {
  it('accepts the usual spellings', () => {
    for (const t of ['true', 'TRUE', '1', 'yes']) expect(parseBool(t, 'x')).toBe(true);
    for (const f of ['false', '0', 'no', '']) expect(parseBool(f, 'x')).toBe(false);
  });
});

describe('renderHelp', () => {
  it('documents every flag with its short form, default and variable', () => {
    const text = renderHelp({ usage: 'kedge test [flags]', description: 'Tests.', flags: [...specs, { name: 'x', type: 'string', default: '6443', description: 'ex' }] });
    expect(text).toContain('Usage: kedge test [flags]');
    expect(text).toMatch(/-f, --filename string\s+files \(repeatable\)/);
    expect(text).toMatch(/--https-port string\s+port \(env KEDGE_HTTPS_PORT\)/);
    expect(text).toMatch(/--x string\s+ex \(default 6443\)/);
    expect(text).toMatch(/-h, --help\s+Show this help/);
  });
});
