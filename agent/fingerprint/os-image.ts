import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** PRETTY_NAME from os-release, e.g. "Debian GNU/Linux 12 (bookworm)"; null when absent. */
export function parseOsRelease(text: string): string | null {
  for (const line of text.split('\n')) {
    const m = /^PRETTY_NAME=(.*)$/.exec(line.trim());
    if (m) return m[1]!.replace(/^(["'])(.*)\1$/, '$2').trim() || null;
  }
  return null;
}

/** Reads /etc/os-release (or /usr/lib/os-release): no process is spawned. */
export async function readOsImage(root = '/'): Promise<string | null> {
  for (const f of ['etc/os-release', 'usr/lib/os-release']) {
    const text = await readFile(join(root, f), 'utf8').catch(() => null);
    const name = text === null ? null : parseOsRelease(text);
    if (name) return name;
  }
  return null;
}
