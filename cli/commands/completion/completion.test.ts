import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bashCompletion, zshCompletion } from './completion.js';

const commands = [
  { name: 'get', flags: ['--output', '-o', '--namespace', '-n', '--help'] },
  { name: 'logs', flags: ['--follow', '-f', '--help'] },
  { name: 'token', flags: ['--ttl', '--help'] },
];

/** Runs the completion function in a real bash for the words typed; a fake `kedge` answers name lookups. */
function complete(words: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'kedge-completion-'));
  try {
    const fake = join(dir, 'kedge');
    writeFileSync(fake, '#!/bin/sh\n[ "$2" = pods ] && printf "pod/web-1\\npod/web-2\\n"\n[ "$2" = deployments ] && printf "deployment.apps/web\\n"\nexit 0\n');
    chmodSync(fake, 0o755);
    const script = `${bashCompletion(commands)}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_kedge
printf '%s\\n' "\${COMPREPLY[@]}"`;
    // --norc: bash reads ~/.bashrc when its stdin is a socket (as a child's pipes are), and the caller's must not count.
    const r = spawnSync('bash', ['--norc', '-c', script], { encoding: 'utf8', env: { PATH: `${dir}:${process.env.PATH}` } });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout.split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('completion', () => {
  it('completes commands, flags, resource types, names and sub-commands in bash', () => {
    expect(complete(['kedge', 'to'])).toEqual(['token']);
    expect(complete(['kedge', 'get', '--o'])).toEqual(['--output']);
    expect(complete(['kedge', 'get', 'po'])).toEqual(['pods', 'po']);
    expect(complete(['kedge', 'get', 'pods', 'web'])).toEqual(['web-1', 'web-2']);
    expect(complete(['kedge', 'logs', ''])).toEqual(['web-1', 'web-2']);
    expect(complete(['kedge', 'get', 'pods', '-o', 'y'])).toEqual(['yaml']);
    expect(complete(['kedge', 'token', 'r'])).toEqual(['rotate']);
  });

  it('zsh loads the same function through bashcompinit', () => {
    const z = zshCompletion(commands);
    expect(z.startsWith('#compdef kedge\n')).toBe(true);
    expect(z).toContain('bashcompinit');
    expect(z).toContain('complete -F _kedge kedge');
  });
});
