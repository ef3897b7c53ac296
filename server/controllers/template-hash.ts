import { createHash } from 'node:crypto';

/** Stable JSON: object keys sorted, so equal templates hash equally whatever the key order. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableStringify(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** The pod-template-hash label value: short, DNS-safe, without vowels (as Kubernetes avoids accidental words). */
export function templateHash(template: unknown): string {
  const digest = createHash('sha256').update(stableStringify(template)).digest();
  let out = '';
  for (let i = 0; i < 10; i++) out += alphabet[digest[i]! % alphabet.length];
  return out;
}

/** A 5-character random suffix for generated names. */
export function randomSuffix(random: () => number = Math.random): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}
