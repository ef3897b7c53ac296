/** RFC 1123 with numeric zone, as kubectl describe prints times: "Mon, 02 Jan 2026 15:04:05 +0000". */
export function describeTime(ts: string | undefined): string {
  const t = ts ? Date.parse(ts) : NaN;
  if (Number.isNaN(t)) return '<unknown>';
  const d = new Date(t);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${two(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** Labels or annotations as kubectl lists them: one key=value per line, sorted; <none> when empty. */
export function keyValues(map: Record<string, string> | undefined, sep = '='): string[] {
  const entries = Object.entries(map ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([k, v]) => `${k}${sep}${v}`) : ['<none>'];
}

type Row = { kind: 'field'; level: number; key: string; value: string[] } | { kind: 'text'; level: number; text: string } | { kind: 'table'; level: number; headers: string[]; rows: string[][]; underline?: string[] };

/**
 * Builds kubectl-describe text: "Key:  value" fields whose values line up within each run of fields
 * at one indentation, nested sections, and small tables with dashed header underlines.
 */
export function describeWriter() {
  const rows: Row[] = [];
  const w = {
    /** A field; a list value continues on the next lines under the first. */
    field(level: number, key: string, value: string | string[]) {
      const v = Array.isArray(value) ? (value.length ? value : ['<none>']) : [value];
      rows.push({ kind: 'field', level, key, value: v });
      return w;
    },
    /** A heading ("Containers:") or any line as it is. */
    text(level: number, text: string) {
      rows.push({ kind: 'text', level, text });
      return w;
    },
    /** `underline` replaces the dashes under the headers (kubectl's events table has its own). */
    table(level: number, headers: string[], body: string[][], underline?: string[]) {
      rows.push({ kind: 'table', level, headers, rows: body, underline });
      return w;
    },
    toString(): string {
      const out: string[] = [];
      const isField = (k: number, level: number) => rows[k]!.kind === 'field' && rows[k]!.level === level;
      const render = (from: number, to: number) => {
        let i = from;
        while (i < to) {
          const r = rows[i]!;
          const pad = '  '.repeat(r.level);
          if (r.kind === 'text') {
            out.push(`${pad}${r.text}`);
            i++;
            continue;
          }
          if (r.kind === 'table') {
            const all = [r.headers, r.underline ?? r.headers.map((h) => '-'.repeat(h.length)), ...r.rows];
            const widths = r.headers.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
            for (const row of all) out.push(`${pad}${row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]! + 2))).join('')}`.trimEnd());
            i++;
            continue;
          }
          // A run of fields at one level, with whatever is nested under them, shares one value column.
          let end = i;
          while (end < to && (rows[end]!.level > r.level || isField(end, r.level))) end++;
          let width = 0;
          for (let k = i; k < end; k++) if (isField(k, r.level)) width = Math.max(width, (rows[k] as Extract<Row, { kind: 'field' }>).key.length + 3);
          let k = i;
          while (k < end) {
            if (isField(k, r.level)) {
              const g = rows[k] as Extract<Row, { kind: 'field' }>;
              out.push(`${pad}${`${g.key}:`.padEnd(width)}${g.value[0]}`.trimEnd());
              for (const more of g.value.slice(1)) out.push(`${pad}${' '.repeat(width)}${more}`.trimEnd());
              k++;
            } else {
              let m = k;
              while (m < end && !isField(m, r.level)) m++;
              render(k, m);
              k = m;
            }
          }
          i = end;
        }
      };
      render(0, rows.length);
      return out.join('\n') + '\n';
    },
  };
  return w;
}

export type DescribeWriter = ReturnType<typeof describeWriter>;
