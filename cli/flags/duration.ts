import { KedgeError } from '../../shared/errors.js';

const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go-style duration ("20s", "1m30s", "500ms", "1.5h"; "0" alone) in milliseconds, as kubectl and k3s flags take them. */
export function parseDuration(text: string, what: string): number {
  const t = text.trim();
  if (t === '0') return 0;
  const part = /([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/y;
  let ms = 0;
  let at = 0;
  while (at < t.length) {
    part.lastIndex = at;
    const m = part.exec(t);
    if (!m) break;
    ms += Number(m[1]) * unitMs[m[2]!]!;
    at = part.lastIndex;
  }
  if (t === '' || at !== t.length) throw new KedgeError('BadRequest', `${what}: "${text}" is not a duration; use a number with a unit, such as 20s, 1m30s or 500ms`);
  return ms;
}
