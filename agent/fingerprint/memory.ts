import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import os from 'node:os';

/** MemTotal and MemAvailable (bytes) from /proc/meminfo; null when the fields are missing. */
export function parseMeminfo(text: string): { total: number; available: number } | null {
  const kb = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : null;
  };
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  return total === null || available === null ? null : { total, available };
}

/**
 * Memory the node can still give to pods. MemAvailable counts reclaimable page cache, which
 * os.freemem() does not, so a Pi with a busy SD card would otherwise look full.
 */
export async function readMemory(root = '/'): Promise<{ total: number; available: number }> {
  const text = await readFile(join(root, 'proc/meminfo'), 'utf8').catch(() => null);
  return (text && parseMeminfo(text)) || { total: os.totalmem(), available: os.freemem() };
}
