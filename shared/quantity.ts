import { KedgeError } from './errors.js';

const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const pattern = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/** Parses a Kubernetes resource quantity ("100m", "64Mi", "1.5") into a plain number of units. */
export function parseQuantity(q: string | number, field = 'quantity'): number {
  if (typeof q === 'number') return q;
  const m = pattern.exec(q.trim());
  if (!m) throw new KedgeError('Invalid', `${field}: "${q}" is not a valid quantity (examples: 250m, 1, 64Mi, 1Gi)`);
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (!Number.isFinite(n)) throw new KedgeError('Invalid', `${field}: "${q}" is not a valid quantity`);
  return n * (binary[suffix] ?? decimal[suffix] ?? 1);
}

/** cpu quantity → millicores. */
export function cpuMillis(q: string | number | undefined, field = 'cpu'): number {
  return q === undefined ? 0 : Math.round(parseQuantity(q, field) * 1000);
}

/** memory quantity → bytes. */
export function memoryBytes(q: string | number | undefined, field = 'memory'): number {
  return q === undefined ? 0 : Math.round(parseQuantity(q, field));
}

export function isQuantity(q: string): boolean {
  return pattern.test(q.trim());
}

/** Memory for people, as a node's capacity reads best: 7.8Gi, 512Mi, 15Gi (unparsable text as given). */
export function humanMemory(q: string): string {
  let bytes: number;
  try {
    bytes = memoryBytes(q);
  } catch {
    return q;
  }
  const units = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let unit = -1;
  while (unit + 1 < units.length && bytes >= 1024 ** (unit + 2)) unit++;
  if (unit < 0) return `${bytes}`;
  const value = bytes / 1024 ** (unit + 1);
  const text = value < 10 ? String(Math.round(value * 10) / 10) : String(Math.round(value));
  return `${text}${units[unit]}`;
}
