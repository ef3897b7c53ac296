/**
 * The Dockerfile cannot be built here (no Docker engine), so its structure is checked: the
 * stages, that the build runs CI's own commands, and what the final image declares.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './harness.js';

interface Instruction {
  op: string;
  args: string;
}

/** Instructions in order: comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!current && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // a comment inside a continued instruction
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  if (current) logical.push(current);
  return logical.map((l) => {
    const m = /^(\S+)\s*(.*)$/.exec(l)!;
    return { op: m[1]!.toUpperCase(), args: m[2]!.replace(/\s+/g, ' ').trim() };
  });
}

function stages(ins: Instruction[]): Instruction[][] {
  const out: Instruction[][] = [];
  for (const i of ins) {
    if (i.op === 'FROM') out.push([]);
    out[out.length - 1]!.push(i);
  }
  return out;
}

describe('Dockerfile', () => {
  const ins = parseDockerfile(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
  const all = stages(ins);
  const final = all[all.length - 1]!;
  const build = all.find((s) => / AS build$/i.test(s[0]!.args))!;

  it('is multi-stage, building on node:20-bookworm-slim and ending on a slim base', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(build[0]!.args).toMatch(/^node:20-bookworm-slim AS build$/i);
    expect(final[0]!.args).toMatch(/^(debian:bookworm-slim|node:20-bookworm-slim)$/);
  });

  it('builds with the commands CI runs', () => {
    const runs = build.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(runs).toContain('npm ci');
    expect(runs.some((r) => r.startsWith('npm run build'))).toBe(true);
    expect(readFileSync(join(repoRoot, '.ci', 'run'), 'utf8')).toContain('npm ci');
    expect(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts.build).toBeTruthy();
  });

  it('copies only the single executable into the final image and runs kedge server', () => {
    const copies = final.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copies).toContain('--from=build /kedge /usr/local/bin/kedge');
    expect(final.find((i) => i.op === 'ENTRYPOINT')?.args).toBe('["kedge", "server"]');
  });

  it('keeps state in a volume, exposes the API and MQTT ports and checks /readyz', () => {
    expect(final.find((i) => i.op === 'VOLUME')?.args).toBe('/var/lib/kedge');
    expect(final.find((i) => i.op === 'EXPOSE')?.args.split(' ').sort()).toEqual(['6443', '8883']);
    const health = final.find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
    expect(health).toMatch(/CMD .*\/readyz/);
  });

  it('leaves what npm ci and the build make out of the build context', () => {
    const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
  });
});
