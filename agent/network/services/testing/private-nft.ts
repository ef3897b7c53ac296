/** Runs nft in a network namespace of its own (`unshare --net`) that vanishes when nft exits: nothing on the host is touched. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why the real-nft checks cannot run here, or null. */
export function privateNftSkipReason(): string | null {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'needs root (a private network namespace for nft)';
  const r = spawnSync('unshare', ['--net', 'nft', '--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `cannot run "unshare --net nft": ${r.error?.message ?? r.stderr.trim()}`;
  return null;
}

/**
 * Applies the scripts one after another (each its own transaction) in one fresh namespace and returns
 * what `nft -j list table ip <table>` says afterwards; throws with nft's message if one fails.
 */
export function applyInPrivateNamespace(scripts: string[], table = 'kedge'): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'svcrules-nft-'));
  try {
    const files = scripts.map((s, i) => {
      const f = join(dir, `${i}.nft`);
      writeFileSync(f, s);
      return f;
    });
    const steps = [...files.map((f) => `nft -f '${f}'`), `nft -j list table ip ${table}`].join(' && ');
    const r = spawnSync('unshare', ['--net', 'sh', '-c', steps], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`nft failed: ${r.stderr || r.error?.message}`);
    return JSON.parse(r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Checks a script with `nft -c` without applying it. */
export function checkInPrivateNamespace(script: string): { ok: boolean; stderr: string } {
  const r = spawnSync('unshare', ['--net', 'nft', '-c', '-f', '-'], { input: script, encoding: 'utf8' });
  return { ok: r.status === 0, stderr: r.stderr };
}

type Json = Record<string, unknown>;

/** A table listing with handles dropped, sets' elements sorted and chains in name order: equal tables compare equal. */
export function normalizeListing(listing: unknown): { sets: Json[]; chains: { name: string; hook?: unknown; rules: unknown[] }[] } {
  const items = (listing as { nftables: Json[] }).nftables;
  const strip = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(strip) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'handle').map(([k, x]) => [k, strip(x)])) : v;
  const sets = items
    .map((i) => (i.set ?? i.map) as Json | undefined)
    .filter((s): s is Json => s !== undefined)
    .map((s) => {
      const { elem, ...rest } = strip(s) as Json;
      return { ...rest, elem: Array.isArray(elem) ? elem.map((e) => JSON.stringify(e)).sort() : [] } as Json;
    })
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const chains = items
    .map((i) => i.chain as Json | undefined)
    .filter((c): c is Json => c !== undefined)
    .map((c) => {
      const { name, table, family, ...hook } = strip(c) as Json;
      void table;
      void family;
      const rules = items.filter((i) => (i.rule as Json | undefined)?.chain === name).map((i) => strip((i.rule as Json).expr));
      return { name: String(name), ...(Object.keys(hook).length > 0 ? { hook } : {}), rules };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { sets, chains };
}
